// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {AffiliateRegistry} from "../src/AffiliateRegistry.sol";
import {SGEClaim} from "../src/SGEClaim.sol";
import {SGEID} from "../src/SGEID.sol";
import {SGEOwnable} from "../src/SGEOwnable.sol";
import {SGEPayout} from "../src/SGEPayout.sol";
import {SGEToken} from "../src/SGEToken.sol";
import {TestUSDC} from "../src/TestUSDC.sol";
import {SGETest} from "./utils/SGETest.sol";

/// Every owned contract: ownership moves in two steps (propose, accept) and cannot be renounced.
contract OwnershipTest is SGETest {
    event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    address internal owner = makeAddr("owner");
    address internal safe = makeAddr("safe");
    address internal stranger = makeAddr("stranger");
    Ownable2Step[] internal owned;

    function setUp() public {
        vm.startPrank(owner);
        SGEID sgeId = new SGEID(owner, address(0), "");
        SGEToken sge = new SGEToken(owner);
        TestUSDC usdc = new TestUSDC();
        owned.push(Ownable2Step(address(sgeId)));
        owned.push(Ownable2Step(address(new SGEPayout(owner, address(0)))));
        owned.push(Ownable2Step(address(new AffiliateRegistry(owner, address(0)))));
        owned.push(
            Ownable2Step(
                address(
                    new SGEClaim(owner, address(sgeId), address(usdc), address(usdc), address(sge), owner, 1e6, 1e18)
                )
            )
        );
        owned.push(Ownable2Step(address(sge)));
        owned.push(Ownable2Step(address(usdc)));
        vm.stopPrank();
    }

    function test_RevertWhen_TheOwnerRenouncesOwnership() public {
        for (uint256 i; i < owned.length; ++i) {
            vm.expectRevert(SGEOwnable.SGEOwnableRenounceDisabled.selector);
            vm.prank(owner);
            owned[i].renounceOwnership();
            assertEq(owned[i].owner(), owner, "still owned");
        }
    }

    function test_OwnershipMovesOnlyWhenTheNewOwnerAccepts() public {
        for (uint256 i; i < owned.length; ++i) {
            Ownable2Step target = owned[i];
            vm.expectEmit(address(target));
            emit OwnershipTransferStarted(owner, safe);
            vm.prank(owner);
            target.transferOwnership(safe);
            assertEq(target.owner(), owner, "owner unchanged until accepted");
            assertEq(target.pendingOwner(), safe, "pending owner");

            vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
            vm.prank(stranger);
            target.acceptOwnership();

            vm.expectEmit(address(target));
            emit OwnershipTransferred(owner, safe);
            vm.prank(safe);
            target.acceptOwnership();
            assertEq(target.owner(), safe, "accepted");
            assertEq(target.pendingOwner(), address(0), "no pending owner left");
        }
    }

    function test_TheOwnerReplacesAPendingTransferBeforeItIsAccepted() public {
        Ownable2Step target = owned[1];
        vm.startPrank(owner);
        target.transferOwnership(stranger); // a mistyped address
        target.transferOwnership(safe);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, stranger));
        vm.prank(stranger);
        target.acceptOwnership();
        vm.prank(safe);
        target.acceptOwnership();
        assertEq(target.owner(), safe, "the corrected owner");
    }

    function testFuzz_RevertWhen_AnyoneButThePendingOwnerAccepts(address caller) public {
        vm.assume(caller != safe);
        Ownable2Step target = owned[0];
        vm.prank(owner);
        target.transferOwnership(safe);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
        vm.prank(caller);
        target.acceptOwnership();
        assertEq(target.owner(), owner, "unchanged");
    }

    function testFuzz_RevertWhen_ANonOwnerStartsATransfer(address caller) public {
        vm.assume(caller != owner);
        for (uint256 i; i < owned.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
            vm.prank(caller);
            owned[i].transferOwnership(caller);
        }
    }
}
