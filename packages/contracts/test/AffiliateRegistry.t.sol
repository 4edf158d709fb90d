// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {AffiliateRegistry} from "../src/AffiliateRegistry.sol";
import {SGERelayerRoles} from "../src/SGERelayerRoles.sol";
import {AffiliateRegistryHandler} from "./handlers/AffiliateRegistryHandler.sol";
import {SGETest} from "./utils/SGETest.sol";

contract AffiliateRegistryTest is SGETest {
    event ReferralRecorded(address indexed user, address indexed affiliate);

    AffiliateRegistry internal registry;
    address internal owner = makeAddr("owner");
    address internal relayer = makeAddr("relayer");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    function setUp() public {
        registry = new AffiliateRegistry(owner, relayer);
    }

    function _record(address user, address affiliate) internal {
        vm.prank(relayer);
        registry.recordReferral(user, affiliate);
    }

    function test_RecordsTheAffiliateOfAUser() public {
        vm.expectEmit(address(registry));
        emit ReferralRecorded(bob, alice);
        _record(bob, alice);
        assertEq(registry.affiliateOf(bob), alice, "affiliateOf");
        assertTrue(registry.isReferred(bob), "isReferred");
        assertFalse(registry.isReferred(alice), "alice has no affiliate");
        assertEq(registry.referralCount(alice), 1, "referralCount");
        assertEq(registry.totalReferrals(), 1, "totalReferrals");
    }

    function test_RevertWhen_UserAlreadyHasAnAffiliate() public {
        _record(bob, alice);
        vm.expectRevert(abi.encodeWithSelector(AffiliateRegistry.AffiliateRegistryAlreadyReferred.selector, bob, alice));
        _record(bob, carol);
        assertEq(registry.affiliateOf(bob), alice, "first touch kept");
        assertEq(registry.referralCount(carol), 0, "carol not credited");
    }

    function test_RevertWhen_UserRefersThemself() public {
        vm.expectRevert(abi.encodeWithSelector(AffiliateRegistry.AffiliateRegistrySelfReferral.selector, alice));
        _record(alice, alice);
    }

    function test_RevertWhen_AnAddressIsZero() public {
        vm.expectRevert(
            abi.encodeWithSelector(AffiliateRegistry.AffiliateRegistryZeroAddress.selector, address(0), alice)
        );
        _record(address(0), alice);
        vm.expectRevert(
            abi.encodeWithSelector(AffiliateRegistry.AffiliateRegistryZeroAddress.selector, bob, address(0))
        );
        _record(bob, address(0));
    }

    function test_RevertWhen_TheReferralClosesACycle() public {
        _record(bob, alice); // alice -> bob
        _record(carol, bob); // alice -> bob -> carol
        vm.expectRevert(abi.encodeWithSelector(AffiliateRegistry.AffiliateRegistryCycle.selector, alice, carol));
        _record(alice, carol);
        vm.expectRevert(abi.encodeWithSelector(AffiliateRegistry.AffiliateRegistryCycle.selector, alice, bob));
        _record(alice, bob);
    }

    function test_RevertWhen_CallerIsNotARelayer() public {
        vm.expectRevert(abi.encodeWithSelector(SGERelayerRoles.SGERelayerUnauthorized.selector, owner));
        vm.prank(owner);
        registry.recordReferral(bob, alice);
    }

    function testFuzz_FirstTouchIsLocked(address user, address first, address second) public {
        vm.assume(user != address(0) && first != address(0) && second != address(0));
        vm.assume(user != first && user != second);
        _record(user, first);
        vm.expectRevert(
            abi.encodeWithSelector(AffiliateRegistry.AffiliateRegistryAlreadyReferred.selector, user, first)
        );
        _record(user, second);
        assertEq(registry.affiliateOf(user), first, "first affiliate kept");
    }

    function testFuzz_RevertWhen_SelfReferral(address user) public {
        vm.assume(user != address(0));
        vm.expectRevert(abi.encodeWithSelector(AffiliateRegistry.AffiliateRegistrySelfReferral.selector, user));
        _record(user, user);
    }
}

/// Invariants over random referral attempts within a small group of addresses.
contract AffiliateRegistryInvariantTest is SGETest {
    AffiliateRegistryHandler internal handler;

    function setUp() public {
        handler = new AffiliateRegistryHandler();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = AffiliateRegistryHandler.record.selector;
        targetSelector(address(handler), selectors);
    }

    /// A recorded affiliate never changes, and referral counts add up to the total.
    function invariant_FirstTouchIsLockedAndCountsAddUp() public view {
        AffiliateRegistry registry = handler.registry();
        uint256 sum;
        for (uint256 i; i < handler.PEOPLE_COUNT(); ++i) {
            address person = handler.person(i);
            address affiliate = registry.affiliateOf(person);
            // Asserts only on a mismatch: forge evaluates invariants after every call.
            if (affiliate != handler.firstAffiliate(person)) {
                assertEq(affiliate, handler.firstAffiliate(person), "affiliate vs first touch");
            }
            if (affiliate == person) assertTrue(false, "self-referral recorded");
            sum += registry.referralCount(person);
        }
        assertEq(sum, registry.totalReferrals(), "sum of referral counts vs total");
    }

    /// Following affiliates upwards from anyone ends without meeting the start again (no cycles).
    function invariant_ReferralGraphHasNoCycles() public view {
        AffiliateRegistry registry = handler.registry();
        uint256 count = handler.PEOPLE_COUNT();
        for (uint256 i; i < count; ++i) {
            address current = handler.person(i);
            for (uint256 step; step <= count; ++step) {
                current = registry.affiliateOf(current);
                if (current == address(0)) break;
                if (step == count) assertTrue(false, "cycle in the referral graph");
            }
        }
    }
}
