// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SafeTransferLib} from "solady/utils/SafeTransferLib.sol";
import {SGERelayerRoles} from "./SGERelayerRoles.sol";

/// @title SGEPayout
/// @notice Pays many recipients of an ERC-20 in one transaction from this contract's own balance (the
///         treasury funds the contract). Each payout batch has an id chosen by the platform; a batch id
///         can be paid at most once, which is the on-chain guard against paying the same payout twice
///         (for example when a relayer rebroadcasts after a timeout).
/// @dev Transfers go through Solady's SafeTransferLib so tokens that return no bool (USDT) work.
contract SGEPayout is SGERelayerRoles {
    using SafeTransferLib for address;

    /// @notice Most recipients in one batch. A fresh recipient of a plain ERC-20 costs about 27,000 gas
    ///         and one of mainnet USDC (a proxy) up to about 45,000, so a full batch stays under the
    ///         16.7M per-transaction gas cap of EIP-7825.
    uint256 public constant PAY_BATCH_SIZE_MAX = 300;

    /// @notice Block number in which `batchId` was paid; zero when it was not.
    mapping(uint256 batchId => uint256 blockNumber) public batchPaidBlock;

    /// @notice Batch `batchId` paid `total` of `token` to `recipientCount` recipients.
    event BatchPaid(uint256 indexed batchId, address indexed token, uint256 recipientCount, uint256 total);
    /// @notice The owner withdrew `amount` of `token` to `to`.
    event Withdrawn(address indexed token, address indexed to, uint256 amount);

    /// @notice Batch `batchId` was already paid.
    error SGEPayoutBatchAlreadyPaid(uint256 batchId);
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

    /// @param initialOwner Owner: manages relayers and withdraws funds.
    /// @param initialRelayer Relayer allowed to pay from the start (zero for none).
    constructor(address initialOwner, address initialRelayer) SGERelayerRoles(initialOwner, initialRelayer) {}

    /// @notice Pays `amounts[i]` of `token` to `recipients[i]` for every i, as batch `batchId`.
    /// @dev Reverts as a whole (nothing is paid) on any invalid entry, an insufficient balance, a
    ///      failing transfer or a batch id that was already paid.
    function payBatch(uint256 batchId, address token, address[] calldata recipients, uint256[] calldata amounts)
        external
        onlyRelayer
    {
        if (batchPaidBlock[batchId] != 0) revert SGEPayoutBatchAlreadyPaid(batchId);
        uint256 count = recipients.length;
        if (count != amounts.length) revert SGEPayoutLengthMismatch(count, amounts.length);
        if (count == 0 || count > PAY_BATCH_SIZE_MAX) revert SGEPayoutInvalidBatchSize(count, PAY_BATCH_SIZE_MAX);

        // First pass: validate and total, so that a bad entry or a short balance is reported with its
        // figures before anything moves (a calldata read costs far less than a failed transfer).
        uint256 total;
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
        uint256 available = token.balanceOf(address(this));
        if (available < total) revert SGEPayoutInsufficientBalance(token, available, total);

        // Effects before interactions: a re-entrant call with the same id is rejected. A transaction is
        // never included in block 0 (the genesis block), so the stored block number is non-zero.
        batchPaidBlock[batchId] = block.number;

        for (uint256 i; i < count;) {
            token.safeTransfer(recipients[i], amounts[i]);
            // Cannot overflow: i < count <= PAY_BATCH_SIZE_MAX.
            unchecked {
                ++i;
            }
        }
        emit BatchPaid(batchId, token, count, total);
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
}
