// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SafeTransferLib} from "solady/utils/SafeTransferLib.sol";
import {SGEOwnable} from "./SGEOwnable.sol";

/// @dev The two reads SGEClaim needs from the tokens and from the identity contract.
interface ISGEClaimBalanceOf {
    function balanceOf(address account) external view returns (uint256);
}

/// @dev Allowance read, used to explain a failing fee payment before attempting it.
interface ISGEClaimAllowance {
    function allowance(address owner, address spender) external view returns (uint256);
}

/// @dev EIP-3009's pull, as USDC (FiatTokenV2_2) implements it: only the payee `to` may submit it.
interface ISGEClaimReceiveWithAuthorization {
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;
}

/// @title SGEClaim
/// @notice Sells a fixed amount of SGE once per wallet for a fixed fee in USDC or USDT: the fee goes
///         straight from the caller to the treasury, the SGE comes from this contract's own balance
///         (the "vault", funded by transferring SGE to this contract).
/// @dev Fee and claim amount are immutable so that every claim of a deployment is priced the same and
///      the accounting invariants (SGE out = claims x amount, fees in = claims x fee) hold by
///      construction. USDT on mainnet returns no bool from transfer/transferFrom, so token transfers go
///      through Solady's SafeTransferLib, which accepts "no return data" as success and reverts on
///      `false` or on a revert.
contract SGEClaim is SGEOwnable {
    using SafeTransferLib for address;

    /// @notice A claimant's EIP-3009 `ReceiveWithAuthorization` of USDC to this contract: `value` is the fee
    ///         plus the relay fee, so the claimant signs the exact total it pays, and whoever submits the
    ///         claim (paying its gas) is repaid the rest of `value` in USDC.
    struct ClaimAuthorization {
        address from;
        uint256 value;
        uint256 validAfter;
        uint256 validBefore;
        bytes32 nonce;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    /// @notice Most authorizations one `claimWithAuthorizations` call takes (bounds its gas).
    uint256 public constant AUTHORIZATION_BATCH_MAX = 100;

    /// @notice USDC (6 decimals) accepted by `claimWithUSDC`.
    address public immutable usdc;
    /// @notice USDT (6 decimals) accepted by `claimWithUSDT`.
    address public immutable usdt;
    /// @notice SGE (18 decimals) paid out to claimants from this contract's balance.
    address public immutable sge;
    /// @notice Identity contract whose token a claimant must hold; zero when no SGE-ID is required.
    address public immutable sgeId;
    /// @notice Fee per claim in the payment token's smallest unit (6 decimals: 100 USD = 100_000_000).
    uint256 public immutable fee;
    /// @notice SGE per claim in wei (18 decimals: 1,000 SGE = 1000e18).
    uint256 public immutable claimAmount;

    /// @notice Receiver of every fee.
    address public treasury;
    /// @notice When true, claims revert with `SGEClaimPaused()`.
    bool public paused;
    /// @notice Number of successful claims.
    uint256 public claimCount;
    /// @notice Whether `account` has claimed (each wallet claims at most once).
    mapping(address account => bool claimed) public hasClaimed;

    /// @notice `account` paid `fee` of `paymentToken` to the treasury and received `amount` SGE wei.
    event Claimed(address indexed account, address indexed paymentToken, uint256 fee, uint256 amount);
    /// @notice `relayer` submitted `account`'s claim (authorization `nonce`) and was paid `relayFee` USDC.
    event ClaimRelayed(address indexed account, bytes32 indexed nonce, address indexed relayer, uint256 relayFee);
    /// @notice A batch left out `account`'s authorization `nonce`: `reason` is the revert data that refused it.
    event ClaimSkipped(address indexed account, bytes32 indexed nonce, bytes reason);
    /// @notice The owner changed the treasury.
    event TreasuryChanged(address indexed previousTreasury, address indexed newTreasury);
    /// @notice The owner paused or unpaused claims.
    event PausedSet(bool paused);
    /// @notice The owner withdrew `amount` of `token` (e.g. leftover SGE) to `to`.
    event Withdrawn(address indexed token, address indexed to, uint256 amount);

    /// @notice `account` has already claimed.
    error SGEClaimAlreadyClaimed(address account);
    /// @notice The vault holds `available` SGE wei, fewer than the `needed` claim amount.
    error SGEClaimInsufficientVault(uint256 available, uint256 needed);
    /// @notice Claims are paused by the owner.
    error SGEClaimPaused();
    /// @notice `account` holds no SGE-ID but this deployment requires one.
    error SGEClaimSGEIDRequired(address account);
    /// @notice `account` allowed this contract only `allowance` of `token`, fewer than `needed`.
    error SGEClaimInsufficientAllowance(address account, address token, uint256 allowance, uint256 needed);
    /// @notice `account` holds only `balance` of `token`, fewer than `needed`.
    error SGEClaimInsufficientBalance(address account, address token, uint256 balance, uint256 needed);
    /// @notice A required address (`value`) is the zero address.
    error SGEClaimZeroAddress(address value);
    /// @notice An authorization for `value` USDC does not cover the `fee`.
    error SGEClaimAuthorizationBelowFee(address account, uint256 value, uint256 fee);
    /// @notice The token refused `account`'s authorization without saying why.
    error SGEClaimAuthorizationRefused(address account);
    /// @notice A batch holds `count` authorizations: none, or more than AUTHORIZATION_BATCH_MAX.
    error SGEClaimBatchSize(uint256 count);
    /// @notice The claim amount must be non-zero.
    error SGEClaimInvalidClaimAmount(uint256 claimAmount);

    /// @param initialOwner Owner: pauses, changes the treasury, withdraws leftover SGE.
    /// @param sgeId_ Identity contract required for claiming (ERC-721 `balanceOf` > 0), or zero for none.
    /// @param usdc_ USDC token.
    /// @param usdt_ USDT token.
    /// @param sge_ SGE token paid out.
    /// @param treasury_ Receiver of fees.
    /// @param fee_ Fee per claim in 6-decimal units (may be zero for a free claim).
    /// @param claimAmount_ SGE wei per claim (non-zero).
    constructor(
        address initialOwner,
        address sgeId_,
        address usdc_,
        address usdt_,
        address sge_,
        address treasury_,
        uint256 fee_,
        uint256 claimAmount_
    ) SGEOwnable(initialOwner) {
        if (usdc_ == address(0) || usdt_ == address(0) || sge_ == address(0) || treasury_ == address(0)) {
            revert SGEClaimZeroAddress(address(0));
        }
        if (claimAmount_ == 0) revert SGEClaimInvalidClaimAmount(claimAmount_);
        sgeId = sgeId_;
        usdc = usdc_;
        usdt = usdt_;
        sge = sge_;
        treasury = treasury_;
        fee = fee_;
        claimAmount = claimAmount_;
        emit TreasuryChanged(address(0), treasury_);
    }

    /// @notice Pays `fee()` USDC (after `approve`) to the treasury and receives `claimAmount()` SGE.
    function claimWithUSDC() external {
        _claim(usdc);
    }

    /// @notice Pays `fee()` USDT (after `approve`) to the treasury and receives `claimAmount()` SGE.
    function claimWithUSDT() external {
        _claim(usdt);
    }

    /// @notice Gasless claim (submitted by anyone, normally the platform's relayer): takes `auth.value` USDC
    ///         from `auth.from` with its EIP-3009 ReceiveWithAuthorization signature, pays `fee()` to the
    ///         treasury and the rest (the relay fee) to the caller, and sends `claimAmount()` SGE to
    ///         `auth.from`. Reverts with the reason when anything is wrong (the token's own revert for a bad,
    ///         used or expired authorization or a blacklisted account).
    function claimWithAuthorization(ClaimAuthorization calldata auth) external {
        if (paused) revert SGEClaimPaused();
        _checkClaimant(auth.from);
        uint256 available = sge.balanceOf(address(this));
        if (available < claimAmount) revert SGEClaimInsufficientVault(available, claimAmount);
        if (auth.value < fee) revert SGEClaimAuthorizationBelowFee(auth.from, auth.value, fee);
        _markClaimed(auth.from);
        _receive(auth);
        uint256 relayFee;
        // Cannot underflow: checked against the fee above.
        unchecked {
            relayFee = auth.value - fee;
        }
        if (fee != 0) usdc.safeTransfer(treasury, fee);
        if (relayFee != 0) usdc.safeTransfer(msg.sender, relayFee);
        sge.safeTransfer(auth.from, claimAmount);
        emit Claimed(auth.from, usdc, fee, claimAmount);
        emit ClaimRelayed(auth.from, auth.nonce, msg.sender, relayFee);
    }

    /// @notice Gasless claims in one transaction, to spread its base cost: each authorization is claimed as
    ///         by `claimWithAuthorization`, except that one the chain refuses (already claimed, no SGE-ID,
    ///         below the fee, or refused by the token) is left out with `ClaimSkipped` instead of failing the
    ///         others. The fees go to the treasury and the relay fees to the caller in one transfer each.
    /// @return claimed How many authorizations were claimed.
    function claimWithAuthorizations(ClaimAuthorization[] calldata auths) external returns (uint256 claimed) {
        if (paused) revert SGEClaimPaused();
        uint256 count = auths.length;
        if (count == 0 || count > AUTHORIZATION_BATCH_MAX) revert SGEClaimBatchSize(count);
        uint256 available = sge.balanceOf(address(this));
        uint256 relayFees;
        for (uint256 i; i < count; ++i) {
            ClaimAuthorization calldata auth = auths[i];
            bytes memory refusal = _batchRefusal(auth, available);
            if (refusal.length == 0) {
                // USDC is a fixed, trusted token (no callbacks): the claimant is marked once it has paid.
                (bool ok, bytes memory reason) = usdc.call(_receiveCall(auth));
                if (ok) _markClaimed(auth.from);
                else refusal = reason.length == 0 ? abi.encodeWithSelector(SGEClaimAuthorizationRefused.selector, auth.from) : reason;
            }
            if (refusal.length != 0) {
                emit ClaimSkipped(auth.from, auth.nonce, refusal);
                continue;
            }
            // Cannot overflow or underflow: each value is a USDC amount the claimant held (bounded by the
            // token's supply) and is at least the fee (checked by _batchRefusal); the vault covered the
            // amount; at most AUTHORIZATION_BATCH_MAX iterations.
            unchecked {
                relayFees += auth.value - fee;
                available -= claimAmount;
                ++claimed;
            }
            sge.safeTransfer(auth.from, claimAmount);
            emit Claimed(auth.from, usdc, fee, claimAmount);
            emit ClaimRelayed(auth.from, auth.nonce, msg.sender, auth.value - fee);
        }
        if (claimed != 0 && fee != 0) usdc.safeTransfer(treasury, fee * claimed);
        if (relayFees != 0) usdc.safeTransfer(msg.sender, relayFees);
    }

    /// @notice Whether the identity requirement is on (a non-zero `sgeId`).
    function requiresSgeId() external view returns (bool) {
        return sgeId != address(0);
    }

    /// @notice SGE wei currently available for claims.
    function vaultBalance() external view returns (uint256) {
        return sge.balanceOf(address(this));
    }

    /// @notice Pauses (`true`) or resumes (`false`) claims.
    function setPaused(bool paused_) external onlyOwner {
        paused = paused_;
        emit PausedSet(paused_);
    }

    /// @notice Sends future fees to `newTreasury`.
    function setTreasury(address newTreasury) external onlyOwner {
        if (newTreasury == address(0)) revert SGEClaimZeroAddress(newTreasury);
        emit TreasuryChanged(treasury, newTreasury);
        treasury = newTreasury;
    }

    /// @notice Withdraws `amount` of `token` held by this contract (leftover SGE, or tokens sent here by
    ///         mistake) to `to`.
    function withdraw(address token, address to, uint256 amount) external onlyOwner {
        if (to == address(0)) revert SGEClaimZeroAddress(to);
        token.safeTransfer(to, amount);
        emit Withdrawn(token, to, amount);
    }

    /// @dev Reverts unless `account` may claim: not claimed yet, holding an SGE-ID when one is required.
    function _checkClaimant(address account) private view {
        if (hasClaimed[account]) revert SGEClaimAlreadyClaimed(account);
        if (sgeId != address(0) && ISGEClaimBalanceOf(sgeId).balanceOf(account) == 0) {
            revert SGEClaimSGEIDRequired(account);
        }
    }

    /// @dev Records `account`'s claim before any transfer: a re-entrant call sees the wallet as claimed.
    function _markClaimed(address account) private {
        hasClaimed[account] = true;
        // Cannot overflow: at most one claim per address.
        unchecked {
            ++claimCount;
        }
    }

    /// @dev Why a batch must leave `auth` out (an encoded custom error), or empty bytes when it may claim.
    function _batchRefusal(ClaimAuthorization calldata auth, uint256 available) private view returns (bytes memory) {
        if (hasClaimed[auth.from]) return abi.encodeWithSelector(SGEClaimAlreadyClaimed.selector, auth.from);
        if (sgeId != address(0) && ISGEClaimBalanceOf(sgeId).balanceOf(auth.from) == 0) {
            return abi.encodeWithSelector(SGEClaimSGEIDRequired.selector, auth.from);
        }
        if (available < claimAmount) {
            return abi.encodeWithSelector(SGEClaimInsufficientVault.selector, available, claimAmount);
        }
        if (auth.value < fee) {
            return abi.encodeWithSelector(SGEClaimAuthorizationBelowFee.selector, auth.from, auth.value, fee);
        }
        return "";
    }

    function _receiveCall(ClaimAuthorization calldata auth) private view returns (bytes memory) {
        return abi.encodeCall(
            ISGEClaimReceiveWithAuthorization.receiveWithAuthorization,
            (auth.from, address(this), auth.value, auth.validAfter, auth.validBefore, auth.nonce, auth.v, auth.r, auth.s)
        );
    }

    /// @dev Pulls `auth.value` USDC to this contract, bubbling up the token's revert.
    function _receive(ClaimAuthorization calldata auth) private {
        ISGEClaimReceiveWithAuthorization(usdc).receiveWithAuthorization(
            auth.from, address(this), auth.value, auth.validAfter, auth.validBefore, auth.nonce, auth.v, auth.r, auth.s
        );
    }

    function _claim(address paymentToken) private {
        if (paused) revert SGEClaimPaused();
        _checkClaimant(msg.sender);
        uint256 available = sge.balanceOf(address(this));
        if (available < claimAmount) revert SGEClaimInsufficientVault(available, claimAmount);
        if (fee != 0) {
            // Explain a failing payment with the figures instead of the token's own revert reason,
            // which differs per token (USDT reverts without data).
            uint256 allowance = ISGEClaimAllowance(paymentToken).allowance(msg.sender, address(this));
            if (allowance < fee) revert SGEClaimInsufficientAllowance(msg.sender, paymentToken, allowance, fee);
            uint256 balance = paymentToken.balanceOf(msg.sender);
            if (balance < fee) revert SGEClaimInsufficientBalance(msg.sender, paymentToken, balance, fee);
        }

        _markClaimed(msg.sender);

        if (fee != 0) paymentToken.safeTransferFrom(msg.sender, treasury, fee);
        sge.safeTransfer(msg.sender, claimAmount);
        emit Claimed(msg.sender, paymentToken, fee, claimAmount);
    }
}
