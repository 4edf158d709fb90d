// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SGEToken} from "../src/SGEToken.sol";
import {TestUSDC} from "../src/TestUSDC.sol";
import {TestUSDT} from "../src/TestUSDT.sol";
import {SGETest} from "./utils/SGETest.sol";

contract TestTokensTest is SGETest {
    event Blacklisted(address indexed account);
    event UnBlacklisted(address indexed account);

    TestUSDC internal usdc;
    TestUSDT internal usdt;
    SGEToken internal sge;
    address internal owner = makeAddr("owner");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function setUp() public {
        usdc = new TestUSDC();
        usdt = new TestUSDT();
        sge = new SGEToken(owner);
    }

    function test_DecimalsMatchTheRealTokens() public view {
        assertEq(usdc.decimals(), 6, "USDC decimals");
        assertEq(usdt.decimals(), 6, "USDT decimals");
        assertEq(sge.decimals(), 18, "SGE decimals");
        assertEq(usdc.symbol(), "USDC", "USDC symbol");
        assertEq(usdt.symbol(), "USDT", "USDT symbol");
        assertEq(sge.symbol(), "SGE", "SGE symbol");
    }

    function test_AnyoneMintsTheTestStablecoins() public {
        vm.startPrank(alice);
        usdc.mint(alice, 5e6);
        usdt.mint(bob, 7e6);
        vm.stopPrank();
        assertEq(usdc.balanceOf(alice), 5e6, "USDC minted");
        assertEq(usdt.balanceOf(bob), 7e6, "USDT minted");
        assertEq(usdt.totalSupply(), 7e6, "USDT supply");
    }

    function test_OnlyTheOwnerMintsSge() public {
        vm.prank(owner);
        sge.mint(alice, 1e18);
        assertEq(sge.balanceOf(alice), 1e18, "SGE minted");
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        sge.mint(alice, 1e18);
    }

    // ---------------------------------------------------------------- USDC blacklist (FiatTokenV2_2)

    function test_BlacklistedAccountsCannotSendReceiveOrApprove() public {
        bytes memory blacklisted = abi.encodeWithSignature("Error(string)", "Blacklistable: account is blacklisted");
        usdc.mint(alice, 10e6);
        usdc.mint(bob, 10e6);
        vm.prank(bob);
        usdc.approve(alice, 5e6);
        vm.expectEmit(address(usdc));
        emit Blacklisted(bob);
        usdc.blacklist(bob); // this test contract deployed the token: it is the blacklister
        assertTrue(usdc.isBlacklisted(bob), "bob blacklisted");
        assertFalse(usdc.isBlacklisted(alice), "alice not");

        vm.startPrank(alice);
        vm.expectRevert(blacklisted);
        usdc.transfer(bob, 1e6); // to
        vm.expectRevert(blacklisted);
        usdc.approve(bob, 1e6); // spender
        vm.expectRevert(blacklisted);
        usdc.transferFrom(bob, alice, 1e6); // from
        vm.stopPrank();
        vm.startPrank(bob);
        vm.expectRevert(blacklisted);
        usdc.transfer(alice, 1e6); // sender
        vm.expectRevert(blacklisted);
        usdc.approve(alice, 1e6); // owner
        vm.stopPrank();
        vm.expectRevert(blacklisted);
        usdc.mint(bob, 1e6);

        vm.expectEmit(address(usdc));
        emit UnBlacklisted(bob);
        usdc.unBlacklist(bob);
        vm.prank(alice);
        usdc.transfer(bob, 1e6);
        assertEq(usdc.balanceOf(bob), 11e6, "bob receives again");
    }

    function test_RevertWhen_ABlacklistedSpenderCallsTransferFrom() public {
        usdc.mint(alice, 10e6);
        vm.prank(alice);
        usdc.approve(bob, 5e6);
        usdc.blacklist(bob);
        vm.expectRevert(abi.encodeWithSignature("Error(string)", "Blacklistable: account is blacklisted"));
        vm.prank(bob);
        usdc.transferFrom(alice, owner, 1e6);
    }

    function test_RevertWhen_ANonBlacklisterBlacklists() public {
        vm.expectRevert(abi.encodeWithSignature("Error(string)", "Blacklistable: caller is not the blacklister"));
        vm.prank(alice);
        usdc.blacklist(bob);
        vm.expectRevert(abi.encodeWithSignature("Error(string)", "Blacklistable: caller is not the blacklister"));
        vm.prank(alice);
        usdc.unBlacklist(bob);
    }

    function test_TheOwnerAppointsAnotherBlacklister() public {
        assertEq(usdc.blacklister(), address(this), "deployer blacklists at first");
        usdc.updateBlacklister(alice);
        vm.prank(alice);
        usdc.blacklist(bob);
        assertTrue(usdc.isBlacklisted(bob), "alice blacklisted bob");
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        usdc.updateBlacklister(bob);
    }

    function testFuzz_OnlyBlacklistedEndsAreRefused(bool fromBlacklisted, bool toBlacklisted, uint256 amount) public {
        amount = bound(amount, 0, 1e12);
        usdc.mint(alice, amount);
        if (fromBlacklisted) usdc.blacklist(alice);
        if (toBlacklisted) usdc.blacklist(bob);
        if (fromBlacklisted || toBlacklisted) {
            vm.expectRevert(abi.encodeWithSignature("Error(string)", "Blacklistable: account is blacklisted"));
        }
        vm.prank(alice);
        usdc.transfer(bob, amount);
        assertEq(usdc.balanceOf(bob), fromBlacklisted || toBlacklisted ? 0 : amount, "bob's balance");
    }

    // ---------------------------------------------------------------- USDT quirks

    function test_RevertWhen_USDTAllowanceChangesFromNonZeroToNonZero() public {
        vm.startPrank(alice);
        usdt.approve(bob, 10e6);
        vm.expectRevert(abi.encodeWithSelector(TestUSDT.TestUSDTAllowanceNotZero.selector, alice, bob, 10e6));
        usdt.approve(bob, 20e6);
        usdt.approve(bob, 0); // reset first, like on mainnet
        usdt.approve(bob, 20e6);
        vm.stopPrank();
        assertEq(usdt.allowance(alice, bob), 20e6, "new allowance");
    }

    function testFuzz_USDTApproveRule(uint256 first, uint256 second) public {
        vm.startPrank(alice);
        usdt.approve(bob, first);
        if (first != 0 && second != 0) {
            vm.expectRevert(abi.encodeWithSelector(TestUSDT.TestUSDTAllowanceNotZero.selector, alice, bob, first));
            usdt.approve(bob, second);
            assertEq(usdt.allowance(alice, bob), first, "allowance unchanged");
        } else {
            usdt.approve(bob, second);
            assertEq(usdt.allowance(alice, bob), second, "allowance set");
        }
        vm.stopPrank();
    }

    function test_USDTWritesReturnNoData() public {
        usdt.mint(alice, 10e6);
        vm.startPrank(alice);
        (bool ok, bytes memory returned) = address(usdt).call(abi.encodeCall(TestUSDT.transfer, (bob, 1e6)));
        assertTrue(ok && returned.length == 0, "transfer returns nothing");
        (ok, returned) = address(usdt).call(abi.encodeCall(TestUSDT.approve, (bob, 5e6)));
        assertTrue(ok && returned.length == 0, "approve returns nothing");
        vm.stopPrank();
        vm.prank(bob);
        (ok, returned) = address(usdt).call(abi.encodeCall(TestUSDT.transferFrom, (alice, bob, 2e6)));
        assertTrue(ok && returned.length == 0, "transferFrom returns nothing");
        assertEq(usdt.balanceOf(bob), 3e6, "bob received");
        assertEq(usdt.allowance(alice, bob), 3e6, "allowance decreased");
    }

    function test_USDTMaxAllowanceIsNotDecreased() public {
        usdt.mint(alice, 10e6);
        vm.prank(alice);
        usdt.approve(bob, type(uint256).max);
        vm.prank(bob);
        usdt.transferFrom(alice, bob, 4e6);
        assertEq(usdt.allowance(alice, bob), type(uint256).max, "infinite allowance kept");
    }

    function test_RevertWhen_USDTBalanceOrAllowanceIsShort() public {
        usdt.mint(alice, 1e6);
        vm.expectRevert(abi.encodeWithSelector(TestUSDT.TestUSDTInsufficientBalance.selector, alice, 1e6, 2e6));
        vm.prank(alice);
        usdt.transfer(bob, 2e6);

        vm.prank(alice);
        usdt.approve(bob, 5e5);
        vm.expectRevert(abi.encodeWithSelector(TestUSDT.TestUSDTInsufficientAllowance.selector, alice, bob, 5e5, 1e6));
        vm.prank(bob);
        usdt.transferFrom(alice, bob, 1e6);

        vm.expectRevert(abi.encodeWithSelector(TestUSDT.TestUSDTInvalidReceiver.selector, address(0)));
        vm.prank(alice);
        usdt.transfer(address(0), 1);
    }

    function testFuzz_USDTTransfersConserveSupply(uint256 minted, uint256 sent) public {
        minted = bound(minted, 0, type(uint128).max);
        sent = bound(sent, 0, minted);
        usdt.mint(alice, minted);
        vm.prank(alice);
        usdt.transfer(bob, sent);
        assertEq(usdt.balanceOf(alice) + usdt.balanceOf(bob), usdt.totalSupply(), "supply conserved");
        assertEq(usdt.balanceOf(bob), sent, "bob received");
    }
}
