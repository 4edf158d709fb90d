// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {SGEOwnable} from "./SGEOwnable.sol";

/// @title SGEToken
/// @notice SGE for local chains and tests: an 18-decimal ERC-20 that only the owner can mint. On mainnet
///         the platform uses the existing SGE token instead.
contract SGEToken is ERC20, SGEOwnable {
    /// @param initialOwner The only address allowed to mint.
    constructor(address initialOwner) ERC20("SGE", "SGE") SGEOwnable(initialOwner) {}

    /// @notice Mints `amount` wei (18 decimals) to `to`. Owner only.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
