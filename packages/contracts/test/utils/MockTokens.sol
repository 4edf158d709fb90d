// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev A broken ERC-20 whose `transfer` and `transferFrom` return false without moving anything, while
///      reporting ample balances and allowances: safe-transfer handling must turn `false` into a revert.
contract FalseReturningToken {
    function balanceOf(address) external pure returns (uint256) {
        return type(uint128).max;
    }

    function allowance(address, address) external pure returns (uint256) {
        return type(uint128).max;
    }

    function transfer(address, uint256) external pure returns (bool) {
        return false;
    }

    function transferFrom(address, address, uint256) external pure returns (bool) {
        return false;
    }
}

/// @dev An ERC-20 that, on every transfer, first calls `target` with `data` (once per arming) and
///      records the revert data of that call: a stand-in for a malicious token or receiver hook that
///      tries to re-enter the contract paying it.
contract ReentrantToken is ERC20 {
    address public target;
    bytes public data;
    bool public reentered;
    bytes public reentryRevertData;

    constructor() ERC20("Reentrant", "REENTER") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata data_) external {
        target = target_;
        data = data_;
        reentered = false;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (target != address(0) && !reentered && from != address(0)) {
            reentered = true;
            (bool ok, bytes memory returned) = target.call(data);
            if (!ok) reentryRevertData = returned;
        }
        super._update(from, to, value);
    }
}
