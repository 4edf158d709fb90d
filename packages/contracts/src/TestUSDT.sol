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
///         - an allowance of `type(uint256).max` is never decreased by `transferFrom`;
///         - TetherToken's transfer fee: `basisPointsRate` of each transfer, at most `maximumFee` units, goes
///           to the `owner` (the deployer), so the receiver gets less than was sent; `setParams` (owner only,
///           rate below 20 bps, maximum below 50 whole tokens, as TetherToken bounds them) switches it on.
///           Both Transfer events are emitted, the fee's to the owner first, as TetherToken does;
///         - TetherToken's blacklist: the owner `addBlackList`s an account, which can then neither `transfer`
///           nor be the `from` of a `transferFrom` (receiving stays allowed); `destroyBlackFunds` burns a
///           blacklisted account's balance. These refusals revert WITHOUT data, as TetherToken's
///           `require`s (Solidity 0.4) do: only a prior `isBlackListed` read can tell why.
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

    /// @notice Receives transfer fees; sets the fee parameters and the blacklist (TetherToken's `owner`).
    address public owner;
    /// @notice Fee per transfer in basis points of the value (TetherToken's `basisPointsRate`; 0 = no fee).
    uint256 public basisPointsRate;
    /// @notice Most fee per transfer, in units (TetherToken's `maximumFee`).
    uint256 public maximumFee;
    /// @notice Whether `account` is blacklisted (TetherToken's public mapping).
    mapping(address account => bool blacklisted) public isBlackListed;

    /// @notice ERC-20 transfer event.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice ERC-20 approval event.
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// @notice The owner set the fee parameters (TetherToken's event).
    event Params(uint256 feeBasisPoints, uint256 maxFee);
    /// @notice `user` was blacklisted (TetherToken's event).
    event AddedBlackList(address indexed user);
    /// @notice `user` was removed from the blacklist (TetherToken's event).
    event RemovedBlackList(address indexed user);
    /// @notice The owner burnt the `balance` of the blacklisted `blackListedUser` (TetherToken's event).
    event DestroyedBlackFunds(address indexed blackListedUser, uint256 balance);

    /// @notice `owner` must reset its allowance for `spender` (currently `currentAllowance`) to 0 first.
    error TestUSDTAllowanceNotZero(address owner, address spender, uint256 currentAllowance);
    /// @notice `account` holds `balance`, fewer than `needed`.
    error TestUSDTInsufficientBalance(address account, uint256 balance, uint256 needed);
    /// @notice `spender` may move only `allowance` from `owner`, fewer than `needed`.
    error TestUSDTInsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);
    /// @notice Tokens cannot be sent to the zero address.
    error TestUSDTInvalidReceiver(address receiver);

    /// @dev The deployer owns the token: it receives the fees and keeps the blacklist.
    constructor() {
        owner = msg.sender;
    }

    /// @dev TetherToken's `onlyOwner`: a bare revert, no reason.
    modifier onlyOwner() {
        require(msg.sender == owner);
        _;
    }

    /// @notice Sets the transfer fee: `newBasisPoints` (below 20) of each transfer, at most `newMaxFee`
    ///         whole tokens (below 50). Owner only; both bounds are TetherToken's.
    function setParams(uint256 newBasisPoints, uint256 newMaxFee) external onlyOwner {
        require(newBasisPoints < 20);
        require(newMaxFee < 50);
        basisPointsRate = newBasisPoints;
        maximumFee = newMaxFee * 10 ** decimals;
        emit Params(basisPointsRate, maximumFee);
    }

    /// @notice TetherToken's blacklist read.
    function getBlackListStatus(address maker) external view returns (bool) {
        return isBlackListed[maker];
    }

    /// @notice Blacklists `evilUser`: it can no longer send. Owner only.
    function addBlackList(address evilUser) external onlyOwner {
        isBlackListed[evilUser] = true;
        emit AddedBlackList(evilUser);
    }

    /// @notice Removes `clearedUser` from the blacklist. Owner only.
    function removeBlackList(address clearedUser) external onlyOwner {
        isBlackListed[clearedUser] = false;
        emit RemovedBlackList(clearedUser);
    }

    /// @notice Burns the whole balance of the blacklisted `blackListedUser`. Owner only.
    function destroyBlackFunds(address blackListedUser) external onlyOwner {
        require(isBlackListed[blackListedUser]);
        uint256 dirtyFunds = balanceOf[blackListedUser];
        balanceOf[blackListedUser] = 0;
        totalSupply -= dirtyFunds;
        emit DestroyedBlackFunds(blackListedUser, dirtyFunds);
    }

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
        require(!isBlackListed[msg.sender]);
        _transfer(msg.sender, to, value);
    }

    /// @notice Moves `value` units from `from` to `to` using the caller's allowance. Returns nothing.
    function transferFrom(address from, address to, uint256 value) external {
        require(!isBlackListed[from]);
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
        uint256 fee = (value * basisPointsRate) / 10_000;
        if (fee > maximumFee) fee = maximumFee;
        // Cannot underflow (checked above; fee <= value since the rate is below 100 %) nor overflow (the
        // sum of balances is totalSupply).
        unchecked {
            balanceOf[from] = balance - value;
            balanceOf[to] += value - fee;
            if (fee > 0) {
                balanceOf[owner] += fee;
                emit Transfer(from, owner, fee);
            }
        }
        emit Transfer(from, to, value - fee);
    }
}
