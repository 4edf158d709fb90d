// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestUSDC
/// @notice USDC-like faucet token for LOCAL CHAINS ONLY: 6 decimals and an open `mint` that anyone can
///         call. Never deploy it where it could be mistaken for real USDC.
contract TestUSDC is ERC20 {
    constructor() ERC20("Test USD Coin", "USDC") {}

    /// @notice 6, like USDC: 1 USDC = 1_000_000 units.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Faucet: mints `amount` units to `to`. Open to anyone (local chains only).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
