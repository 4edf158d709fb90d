// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

/// @title SGEOwnable
/// @notice Ownership for every owned SGE contract: a transfer takes two steps (the owner proposes with
///         `transferOwnership`, the new owner calls `acceptOwnership`), so a mistyped address can never
///         become the owner, and ownership cannot be renounced.
/// @dev Renouncing would leave the contracts without anyone able to revoke a leaked relayer, rotate
///      approvers or withdraw funds; the owner (the treasury Safe in production) hands over instead.
abstract contract SGEOwnable is Ownable2Step {
    /// @notice `renounceOwnership` is disabled on SGE contracts.
    error SGEOwnableRenounceDisabled();

    /// @param initialOwner First owner (must not be the zero address).
    constructor(address initialOwner) Ownable(initialOwner) {}

    /// @notice Always reverts with `SGEOwnableRenounceDisabled()`, whoever calls: ownership can only be
    ///         transferred.
    function renounceOwnership() public pure override {
        revert SGEOwnableRenounceDisabled();
    }
}
