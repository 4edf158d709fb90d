// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SGEOwnable} from "./SGEOwnable.sol";

/// @title SGERelayerRoles
/// @notice Owner-managed set of relayer addresses: the platform's hot wallets that may call the
///         relayer-only functions of SGEID, SGEPayout and AffiliateRegistry.
/// @dev The role is one boolean per address, so checking it costs exactly one SLOAD. The owner (a
///      cold wallet or multisig) grants and revokes; relayers cannot grant each other. Ownership moves in
///      two steps and cannot be renounced (SGEOwnable).
abstract contract SGERelayerRoles is SGEOwnable {
    /// @notice Whether an address holds the relayer role.
    mapping(address account => bool isRelayer) private _relayers;

    /// @notice Emitted when `account` receives the relayer role.
    event RelayerGranted(address indexed account);
    /// @notice Emitted when `account` loses the relayer role.
    event RelayerRevoked(address indexed account);

    /// @notice `caller` called a relayer-only function without the relayer role.
    error SGERelayerUnauthorized(address caller);
    /// @notice The zero address cannot hold the relayer role.
    error SGERelayerInvalidAccount(address account);

    /// @param initialOwner Owner that manages relayers and the contract's settings.
    /// @param initialRelayer Relayer granted at deployment; the zero address grants none.
    constructor(address initialOwner, address initialRelayer) SGEOwnable(initialOwner) {
        if (initialRelayer != address(0)) _setRelayer(initialRelayer, true);
    }

    /// @dev Reverts with `SGERelayerUnauthorized(msg.sender)` unless the caller is a relayer.
    modifier onlyRelayer() {
        if (!_relayers[msg.sender]) revert SGERelayerUnauthorized(msg.sender);
        _;
    }

    /// @notice Whether `account` holds the relayer role.
    function isRelayer(address account) external view returns (bool) {
        return _relayers[account];
    }

    /// @notice Grants the relayer role to `account` (no-op, no event, when it already has it).
    function grantRelayer(address account) external onlyOwner {
        if (account == address(0)) revert SGERelayerInvalidAccount(account);
        _setRelayer(account, true);
    }

    /// @notice Revokes the relayer role from `account` (no-op, no event, when it does not have it).
    function revokeRelayer(address account) external onlyOwner {
        _setRelayer(account, false);
    }

    function _setRelayer(address account, bool enabled) private {
        if (_relayers[account] == enabled) return;
        _relayers[account] = enabled;
        if (enabled) emit RelayerGranted(account);
        else emit RelayerRevoked(account);
    }
}
