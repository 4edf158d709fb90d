// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

/// @title TestUSDT
/// @notice USDT-like faucet token for LOCAL CHAINS ONLY, reproducing the mainnet Tether quirks that
///         integrations trip over:
///         - 6 decimals;
///         - `transfer`, `transferFrom` and `approve` return NOTHING (no bool), like mainnet USDT, so
///           callers must use a safe-transfer helper and clients must not decode a return value;
///         - `approve` reverts when changing a non-zero allowance to another non-zero value: set it to
///           0 first, then to the new value;
///         - an allowance of `type(uint256).max` is never decreased by `transferFrom`.
///         `mint` is open to anyone. Never deploy it where it could be mistaken for real USDT.
contract TestUSDT {
    /// @notice Token name.
    string public constant name = "Test Tether USD";
    /// @notice Token symbol.
    string public constant symbol = "USDT";
    /// @notice 6, like USDT: 1 USDT = 1_000_000 units.
    uint8 public constant decimals = 6;

    /// @notice Total units in existence.
    uint256 public totalSupply;
    /// @notice Units held by `account`.
    mapping(address account => uint256 balance) public balanceOf;
    /// @notice Units `spender` may move from `owner`.
    mapping(address owner => mapping(address spender => uint256 amount)) public allowance;

    /// @notice ERC-20 transfer event.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice ERC-20 approval event.
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// @notice `owner` must reset its allowance for `spender` (currently `currentAllowance`) to 0 first.
    error TestUSDTAllowanceNotZero(address owner, address spender, uint256 currentAllowance);
    /// @notice `account` holds `balance`, fewer than `needed`.
    error TestUSDTInsufficientBalance(address account, uint256 balance, uint256 needed);
    /// @notice `spender` may move only `allowance` from `owner`, fewer than `needed`.
    error TestUSDTInsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);
    /// @notice Tokens cannot be sent to the zero address.
    error TestUSDTInvalidReceiver(address receiver);

    /// @notice Faucet: mints `amount` units to `to`. Open to anyone (local chains only).
    function mint(address to, uint256 amount) external {
        if (to == address(0)) revert TestUSDTInvalidReceiver(to);
        totalSupply += amount;
        // Cannot overflow: every balance is at most totalSupply, which the checked add above bounds.
        unchecked {
            balanceOf[to] += amount;
        }
        emit Transfer(address(0), to, amount);
    }

    /// @notice Moves `value` units from the caller to `to`. Returns nothing, like mainnet USDT.
    function transfer(address to, uint256 value) external {
        _transfer(msg.sender, to, value);
    }

    /// @notice Moves `value` units from `from` to `to` using the caller's allowance. Returns nothing.
    function transferFrom(address from, address to, uint256 value) external {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < value) revert TestUSDTInsufficientAllowance(from, msg.sender, allowed, value);
            // Cannot underflow: checked just above.
            unchecked {
                allowance[from][msg.sender] = allowed - value;
            }
        }
        _transfer(from, to, value);
    }

    /// @notice Sets the caller's allowance for `spender`. Reverts `TestUSDTAllowanceNotZero` when both the
    ///         current and the new allowance are non-zero. Returns nothing, like mainnet USDT.
    function approve(address spender, uint256 value) external {
        uint256 current = allowance[msg.sender][spender];
        if (value != 0 && current != 0) revert TestUSDTAllowanceNotZero(msg.sender, spender, current);
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
    }

    function _transfer(address from, address to, uint256 value) private {
        if (to == address(0)) revert TestUSDTInvalidReceiver(to);
        uint256 balance = balanceOf[from];
        if (balance < value) revert TestUSDTInsufficientBalance(from, balance, value);
        // Cannot underflow (checked above) nor overflow (the sum of balances is totalSupply).
        unchecked {
            balanceOf[from] = balance - value;
            balanceOf[to] += value;
        }
        emit Transfer(from, to, value);
    }
}
