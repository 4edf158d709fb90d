// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeTransferLib} from "solady/utils/SafeTransferLib.sol";
import {SGERelayerRoles} from "./SGERelayerRoles.sol";

/// @title SGEPayout
/// @notice Pays many recipients of an ERC-20 in one transaction from this contract's own balance (the
///         treasury funds the contract), but only a batch that two distinct approvers signed. Each payout
///         batch has an id chosen by the platform; a batch id can be paid at most once, which is the
///         on-chain guard against paying the same payout twice (for example when a relayer rebroadcasts
///         after a timeout).
/// @dev Custody: the relayer (a hot key) only submits and pays gas. Every batch carries EIP-712
///      approvals over (chain id, this contract, batch id, token, hash of recipients and amounts, total,
///      deadline) from at least `APPROVALS_REQUIRED` distinct addresses of the owner-managed approver
///      set, EOAs (ECDSA) or contract wallets such as a Safe (ERC-1271), checked with OpenZeppelin's
///      SignatureChecker. So neither the hot key, nor the database, nor one approver can move funds; the
///      owner (the treasury Safe) manages relayers and approvers and may withdraw.
///
///      A recipient whose transfer fails (USDC-blacklisted, a token that returns false or reverts for
///      that recipient) is skipped with `PaymentSkipped` and the others are paid: one bad recipient must
///      not lock everyone else's money. The skipped amount stays in the contract.
contract SGEPayout is SGERelayerRoles, EIP712 {
    using SafeTransferLib for address;

    /// @notice One approver's signature of a batch's EIP-712 digest (65-byte ECDSA for an EOA, whatever
    ///         the wallet's `isValidSignature` accepts for a contract).
    struct Approval {
        address approver;
        bytes signature;
    }

    /// @notice Most recipients in one batch. A fresh recipient of a plain ERC-20 costs about 27,000 gas
    ///         and one of mainnet USDC (a proxy) up to about 45,000, so a full batch stays under the
    ///         16.7M per-transaction gas cap of EIP-7825.
    uint256 public constant PAY_BATCH_SIZE_MAX = 300;
    /// @notice Distinct approvers whose signatures a batch needs.
    uint256 public constant APPROVALS_REQUIRED = 2;
    /// @notice Most approvals one call may carry (each is checked against every earlier one).
    uint256 public constant APPROVALS_MAX = 8;
    /// @notice EIP-712 type hash of the approved payload.
    bytes32 public constant PAYOUT_BATCH_TYPEHASH =
        keccak256("PayoutBatch(uint256 batchId,address token,bytes32 paymentsHash,uint256 total,uint256 deadline)");

    /// @notice Block number in which `batchId` was paid; zero when it was not.
    mapping(uint256 batchId => uint256 blockNumber) public batchPaidBlock;
    /// @notice Whether batch `batchId` was voided (cancelled by the platform): it can never be paid.
    mapping(uint256 batchId => bool voided) public batchVoided;
    /// @notice Whether `approver` may approve payout batches. Owner-managed.
    mapping(address approver => bool enabled) public isApprover;

    /// @notice Batch `batchId` paid `total` of `token` to `recipientCount` recipients (skipped ones
    ///         excluded from both figures).
    event BatchPaid(uint256 indexed batchId, address indexed token, uint256 recipientCount, uint256 total);
    /// @notice Batch `batchId` was voided: its approvals can no longer pay it.
    event BatchVoided(uint256 indexed batchId);
    /// @notice Entry `index` of batch `batchId` was not paid: the transfer of `amount` to `recipient`
    ///         failed (blacklisted, rejected by the token). The amount stays in the contract.
    event PaymentSkipped(uint256 indexed batchId, uint256 index, address indexed recipient, uint256 amount);
    /// @notice The owner enabled or disabled `approver`.
    event ApproverSet(address indexed approver, bool enabled);
    /// @notice The owner withdrew `amount` of `token` to `to`.
    event Withdrawn(address indexed token, address indexed to, uint256 amount);

    /// @notice Batch `batchId` was already paid.
    error SGEPayoutBatchAlreadyPaid(uint256 batchId);
    /// @notice Batch `batchId` was voided and can never be paid.
    error SGEPayoutBatchVoided(uint256 batchId);
    /// @notice `recipientCount` recipients were given with `amountCount` amounts.
    error SGEPayoutLengthMismatch(uint256 recipientCount, uint256 amountCount);
    /// @notice A batch needs between 1 and `max` recipients; `size` were given.
    error SGEPayoutInvalidBatchSize(uint256 size, uint256 max);
    /// @notice Recipient number `index` is the zero address.
    error SGEPayoutInvalidRecipient(uint256 index, address recipient);
    /// @notice Amount number `index` is zero.
    error SGEPayoutZeroAmount(uint256 index);
    /// @notice The contract holds `available` of `token`, fewer than the batch total `needed`.
    error SGEPayoutInsufficientBalance(address token, uint256 available, uint256 needed);
    /// @notice The zero address was given where an address is required.
    error SGEPayoutZeroAddress(address value);
    /// @notice The approvals expired at `deadline`; the block's time is `timestamp`.
    error SGEPayoutApprovalExpired(uint256 deadline, uint256 timestamp);
    /// @notice `given` approvals were given; `required` are needed.
    error SGEPayoutNotEnoughApprovals(uint256 given, uint256 required);
    /// @notice `given` approvals were given; at most `max` are accepted.
    error SGEPayoutTooManyApprovals(uint256 given, uint256 max);
    /// @notice `approver` is not in the approver set.
    error SGEPayoutNotApprover(address approver);
    /// @notice `approver` appears more than once in the approvals.
    error SGEPayoutDuplicateApprover(address approver);
    /// @notice `approver`'s signature does not verify for this batch's digest.
    error SGEPayoutInvalidSignature(address approver);

    /// @param initialOwner Owner: manages relayers and approvers, withdraws funds.
    /// @param initialRelayer Relayer allowed to submit batches from the start (zero for none).
    constructor(address initialOwner, address initialRelayer)
        SGERelayerRoles(initialOwner, initialRelayer)
        EIP712("SGEPayout", "1")
    {}

    /// @notice Adds (`enabled`) or removes `approver` from the approver set. Owner only; emits
    ///         `ApproverSet` even when nothing changes, so the owner's intent is always on record.
    function setApprover(address approver, bool enabled) external onlyOwner {
        if (approver == address(0)) revert SGEPayoutZeroAddress(approver);
        isApprover[approver] = enabled;
        emit ApproverSet(approver, enabled);
    }

    /// @notice Pays `amounts[i]` of `token` to `recipients[i]` for every i, as batch `batchId`, when
    ///         `approvals` holds valid signatures of `payBatchDigest(...)` by at least
    ///         `APPROVALS_REQUIRED` distinct approvers and `deadline` has not passed.
    /// @dev Reverts as a whole (nothing is paid) on an already paid batch id, an invalid entry, missing
    ///      or invalid approvals, an expired deadline or a balance below the total. A single failing
    ///      transfer does not revert: that entry is skipped with `PaymentSkipped`.
    function payBatch(
        uint256 batchId,
        address token,
        address[] calldata recipients,
        uint256[] calldata amounts,
        uint256 deadline,
        Approval[] calldata approvals
    ) external onlyRelayer {
        if (batchPaidBlock[batchId] != 0) revert SGEPayoutBatchAlreadyPaid(batchId);
        if (batchVoided[batchId]) revert SGEPayoutBatchVoided(batchId);
        uint256 count = recipients.length;
        if (count != amounts.length) revert SGEPayoutLengthMismatch(count, amounts.length);
        if (count == 0 || count > PAY_BATCH_SIZE_MAX) revert SGEPayoutInvalidBatchSize(count, PAY_BATCH_SIZE_MAX);
        if (deadline < block.timestamp) revert SGEPayoutApprovalExpired(deadline, block.timestamp);
        if (approvals.length < APPROVALS_REQUIRED) {
            revert SGEPayoutNotEnoughApprovals(approvals.length, APPROVALS_REQUIRED);
        }
        if (approvals.length > APPROVALS_MAX) revert SGEPayoutTooManyApprovals(approvals.length, APPROVALS_MAX);

        uint256 total = _validatedTotal(recipients, amounts);
        _checkApprovals(_digest(batchId, token, recipients, amounts, total, deadline), approvals);

        uint256 available = token.balanceOf(address(this));
        if (available < total) revert SGEPayoutInsufficientBalance(token, available, total);

        // Effects before interactions: a re-entrant call with the same id is rejected. A transaction is
        // never included in block 0 (the genesis block), so the stored block number is non-zero.
        batchPaidBlock[batchId] = block.number;

        (uint256 paidCount, uint256 paidTotal) = _payEach(batchId, token, recipients, amounts);
        emit BatchPaid(batchId, token, paidCount, paidTotal);
    }

    /// @notice The EIP-712 digest the approvers sign for this batch (domain "SGEPayout", version "1",
    ///         this chain and contract). The total is the sum of `amounts`.
    function payBatchDigest(
        uint256 batchId,
        address token,
        address[] calldata recipients,
        uint256[] calldata amounts,
        uint256 deadline
    ) external view returns (bytes32) {
        uint256 total;
        for (uint256 i; i < amounts.length; ++i) {
            total += amounts[i];
        }
        return _digest(batchId, token, recipients, amounts, total, deadline);
    }

    /// @notice Voids batch `batchId` so that its approvals can never pay it: the platform does this before it
    ///         cancels a signed batch and releases its commissions, which would otherwise be payable twice
    ///         (once in a new batch, once by anyone holding the old signatures). Idempotent.
    /// @dev Relayer-only like payBatch: the hot key can void an unpaid batch (a denial, it moves nothing)
    ///      but cannot pay one without two approvers' signatures.
    function voidBatch(uint256 batchId) external onlyRelayer {
        if (batchPaidBlock[batchId] != 0) revert SGEPayoutBatchAlreadyPaid(batchId);
        if (batchVoided[batchId]) return;
        batchVoided[batchId] = true;
        emit BatchVoided(batchId);
    }

    /// @notice Whether batch `batchId` has been paid.
    function batchPaid(uint256 batchId) external view returns (bool) {
        return batchPaidBlock[batchId] != 0;
    }

    /// @notice Withdraws `amount` of `token` from the contract to `to` (e.g. back to the treasury).
    function withdraw(address token, address to, uint256 amount) external onlyOwner {
        if (to == address(0)) revert SGEPayoutZeroAddress(to);
        token.safeTransfer(to, amount);
        emit Withdrawn(token, to, amount);
    }

    /// @dev The sum of `amounts`, reverting on a zero recipient or amount, so that a bad entry is
    ///      reported with its index before anything moves (a calldata read costs far less than a failed
    ///      transfer).
    function _validatedTotal(address[] calldata recipients, uint256[] calldata amounts)
        private
        pure
        returns (uint256 total)
    {
        uint256 count = recipients.length;
        for (uint256 i; i < count;) {
            if (recipients[i] == address(0)) revert SGEPayoutInvalidRecipient(i, recipients[i]);
            uint256 amount = amounts[i];
            if (amount == 0) revert SGEPayoutZeroAmount(i);
            total += amount; // checked: a sum above 2^256 must revert, not wrap
            // Cannot overflow: i < count <= PAY_BATCH_SIZE_MAX.
            unchecked {
                ++i;
            }
        }
    }

    /// @dev Transfers every entry; a failing transfer is skipped with `PaymentSkipped`. Returns what was
    ///      actually paid.
    function _payEach(uint256 batchId, address token, address[] calldata recipients, uint256[] calldata amounts)
        private
        returns (uint256 paidCount, uint256 paidTotal)
    {
        uint256 count = recipients.length;
        for (uint256 i; i < count;) {
            address recipient = recipients[i];
            uint256 amount = amounts[i];
            if (_tryTransfer(token, recipient, amount)) {
                // Cannot overflow: paidCount <= i < count, and paidTotal <= the checked total.
                unchecked {
                    ++paidCount;
                    paidTotal += amount;
                }
            } else {
                emit PaymentSkipped(batchId, i, recipient, amount);
            }
            // Cannot overflow: i < count <= PAY_BATCH_SIZE_MAX.
            unchecked {
                ++i;
            }
        }
    }

    /// @dev paymentsHash = keccak256(abi.encode(recipients, amounts)) binds every entry and its order.
    function _digest(
        uint256 batchId,
        address token,
        address[] calldata recipients,
        uint256[] calldata amounts,
        uint256 total,
        uint256 deadline
    ) private view returns (bytes32) {
        bytes32 paymentsHash = keccak256(abi.encode(recipients, amounts));
        return
            _hashTypedDataV4(
                keccak256(abi.encode(PAYOUT_BATCH_TYPEHASH, batchId, token, paymentsHash, total, deadline))
            );
    }

    /// @dev Every approval must come from a distinct approver and verify; the count was checked by the
    ///      caller. Quadratic in the approvals, which are at most APPROVALS_MAX.
    function _checkApprovals(bytes32 digest, Approval[] calldata approvals) private view {
        for (uint256 i; i < approvals.length; ++i) {
            address approver = approvals[i].approver;
            if (!isApprover[approver]) revert SGEPayoutNotApprover(approver);
            for (uint256 j; j < i; ++j) {
                if (approvals[j].approver == approver) revert SGEPayoutDuplicateApprover(approver);
            }
            if (!SignatureChecker.isValidSignatureNowCalldata(approver, digest, approvals[i].signature)) {
                revert SGEPayoutInvalidSignature(approver);
            }
        }
    }

    /// @dev `token.transfer(to, amount)` that reports failure instead of reverting, with the success rule
    ///      of Solady's SafeTransferLib: the call succeeded and returned true, or returned nothing from an
    ///      address with code (USDT). Return data is not copied beyond one word, so a token cannot make
    ///      this contract pay for a large revert reason.
    function _tryTransfer(address token, address to, uint256 amount) private returns (bool success) {
        /// @solidity memory-safe-assembly
        assembly {
            mstore(0x14, to) // Store the `to` argument.
            mstore(0x34, amount) // Store the `amount` argument.
            mstore(0x00, 0xa9059cbb000000000000000000000000) // `transfer(address,uint256)`.
            success := call(gas(), token, 0, 0x10, 0x44, 0x00, 0x20)
            if iszero(and(eq(mload(0x00), 1), success)) {
                success := lt(or(iszero(extcodesize(token)), returndatasize()), success)
            }
            mstore(0x34, 0) // Restore the part of the free memory pointer that was overwritten.
        }
    }
}
