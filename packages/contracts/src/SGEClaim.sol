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

    function _claim(address paymentToken) private {
        if (paused) revert SGEClaimPaused();
        if (hasClaimed[msg.sender]) revert SGEClaimAlreadyClaimed(msg.sender);
        if (sgeId != address(0) && ISGEClaimBalanceOf(sgeId).balanceOf(msg.sender) == 0) {
            revert SGEClaimSGEIDRequired(msg.sender);
        }
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

        // Effects before interactions: a re-entrant call sees the wallet as claimed.
        hasClaimed[msg.sender] = true;
        // Cannot overflow: at most one claim per address.
        unchecked {
            ++claimCount;
        }

        if (fee != 0) paymentToken.safeTransferFrom(msg.sender, treasury, fee);
        sge.safeTransfer(msg.sender, claimAmount);
        emit Claimed(msg.sender, paymentToken, fee, claimAmount);
    }
}
