// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {SGEOwnable} from "./SGEOwnable.sol";

/// @title TestUSDC
/// @notice USDC-like faucet token for LOCAL CHAINS ONLY: 6 decimals and an open `mint` that anyone can
///         call. Never deploy it where it could be mistaken for real USDC.
/// @dev Like Circle's FiatTokenV2_2 it has a blacklist: the blacklister (the deployer at first; the owner
///      may appoint another) blacklists accounts, and any transfer, transferFrom or approve from or to a
///      blacklisted account, or called by one, reverts with FiatTokenV2_2's own message
///      "Blacklistable: account is blacklisted". That lets tests reproduce a USDC payout to a blacklisted
///      affiliate. Permit and EIP-3009 are not implemented.
contract TestUSDC is ERC20, SGEOwnable {
    /// @notice Account allowed to blacklist and un-blacklist (FiatTokenV2_2's `blacklister`).
    address public blacklister;
    mapping(address account => bool blacklisted) private _blacklisted;

    /// @notice `account` was blacklisted (FiatTokenV2_2's event).
    event Blacklisted(address indexed account);
    /// @notice `account` was removed from the blacklist (FiatTokenV2_2's event).
    event UnBlacklisted(address indexed account);
    /// @notice The owner appointed `newBlacklister` (FiatTokenV2_2's event).
    event BlacklisterChanged(address indexed newBlacklister);

    /// @dev The deployer owns the token and is its first blacklister.
    constructor() ERC20("Test USD Coin", "USDC") SGEOwnable(msg.sender) {
        blacklister = msg.sender;
        emit BlacklisterChanged(msg.sender);
    }

    /// @dev FiatTokenV2_2's `notBlacklisted` modifier, with its revert message.
    modifier notBlacklisted(address account) {
        require(!_blacklisted[account], "Blacklistable: account is blacklisted");
        _;
    }

    /// @notice 6, like USDC: 1 USDC = 1_000_000 units.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Faucet: mints `amount` units to `to`. Open to anyone (local chains only); `to` must not be
    ///         blacklisted.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Whether `account` is blacklisted.
    function isBlacklisted(address account) external view returns (bool) {
        return _blacklisted[account];
    }

    /// @notice Blacklists `account`: it can no longer send, receive or approve. Blacklister only.
    function blacklist(address account) external {
        require(msg.sender == blacklister, "Blacklistable: caller is not the blacklister");
        _blacklisted[account] = true;
        emit Blacklisted(account);
    }

    /// @notice Removes `account` from the blacklist. Blacklister only.
    function unBlacklist(address account) external {
        require(msg.sender == blacklister, "Blacklistable: caller is not the blacklister");
        _blacklisted[account] = false;
        emit UnBlacklisted(account);
    }

    /// @notice Appoints `newBlacklister`. Owner only.
    function updateBlacklister(address newBlacklister) external onlyOwner {
        require(newBlacklister != address(0), "Blacklistable: new blacklister is the zero address");
        blacklister = newBlacklister;
        emit BlacklisterChanged(newBlacklister);
    }

    /// @notice ERC-20 approve; neither the caller nor `spender` may be blacklisted.
    function approve(address spender, uint256 value)
        public
        override
        notBlacklisted(msg.sender)
        notBlacklisted(spender)
        returns (bool)
    {
        return super.approve(spender, value);
    }

    /// @notice ERC-20 transferFrom; the caller, `from` and `to` may not be blacklisted (`from` and `to`
    ///         are checked in `_update`).
    function transferFrom(address from, address to, uint256 value)
        public
        override
        notBlacklisted(msg.sender)
        returns (bool)
    {
        return super.transferFrom(from, to, value);
    }

    /// @dev Every balance change (transfer, transferFrom, mint) checks both ends; the zero address of a
    ///      mint or burn is never blacklisted.
    function _update(address from, address to, uint256 value)
        internal
        override
        notBlacklisted(from)
        notBlacklisted(to)
    {
        super._update(from, to, value);
    }
}
