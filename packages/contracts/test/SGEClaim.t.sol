// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SafeTransferLib} from "solady/utils/SafeTransferLib.sol";
import {SGEClaim} from "../src/SGEClaim.sol";
import {SGEID} from "../src/SGEID.sol";
import {SGEToken} from "../src/SGEToken.sol";
import {TestUSDC} from "../src/TestUSDC.sol";
import {TestUSDT} from "../src/TestUSDT.sol";
import {SGEClaimHandler} from "./handlers/SGEClaimHandler.sol";
import {FalseReturningToken} from "./utils/MockTokens.sol";
import {SGETest} from "./utils/SGETest.sol";

contract SGEClaimTest is SGETest {
    event Claimed(address indexed account, address indexed paymentToken, uint256 fee, uint256 amount);
    event TreasuryChanged(address indexed previousTreasury, address indexed newTreasury);
    event PausedSet(bool paused);
    event Withdrawn(address indexed token, address indexed to, uint256 amount);

    uint256 internal constant FEE = 100_000_000; // 100 USD, 6 decimals
    uint256 internal constant AMOUNT = 1_000e18; // 1,000 SGE
    uint256 internal constant VAULT = 10 * AMOUNT;

    TestUSDC internal usdc;
    TestUSDT internal usdt;
    SGEToken internal sge;
    SGEID internal sgeId;
    SGEClaim internal claim;
    address internal owner = makeAddr("owner");
    address internal relayer = makeAddr("relayer");
    address internal treasury = makeAddr("treasury");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function setUp() public {
        usdc = new TestUSDC();
        usdt = new TestUSDT();
        sge = new SGEToken(address(this));
        sgeId = new SGEID(owner, relayer, "");
        claim = new SGEClaim(owner, address(sgeId), address(usdc), address(usdt), address(sge), treasury, FEE, AMOUNT);
        sge.mint(address(claim), VAULT);
    }

    function _register(address account) internal {
        vm.prank(relayer);
        sgeId.mint(account);
    }

    function _fundAndApprove(address account, address token, uint256 amount) internal {
        TestUSDC(token).mint(account, amount); // both test tokens share `mint(address,uint256)`
        vm.prank(account);
        // TestUSDT.approve returns nothing; call it through its own ABI.
        if (token == address(usdt)) usdt.approve(address(claim), amount);
        else usdc.approve(address(claim), amount);
    }

    // ---------------------------------------------------------------- happy paths

    function test_ViewsReportTheConfiguration() public view {
        assertEq(claim.fee(), FEE, "fee");
        assertEq(claim.claimAmount(), AMOUNT, "claimAmount");
        assertEq(claim.usdc(), address(usdc), "usdc");
        assertEq(claim.usdt(), address(usdt), "usdt");
        assertEq(claim.sge(), address(sge), "sge");
        assertEq(claim.sgeId(), address(sgeId), "sgeId");
        assertEq(claim.treasury(), treasury, "treasury");
        assertEq(claim.owner(), owner, "owner");
        assertTrue(claim.requiresSgeId(), "requiresSgeId");
        assertFalse(claim.paused(), "paused");
        assertEq(claim.vaultBalance(), VAULT, "vaultBalance");
        assertEq(claim.claimCount(), 0, "claimCount");
    }

    function test_ClaimWithUSDCPaysTheFeeToTheTreasuryAndSendsSge() public {
        _register(alice);
        _fundAndApprove(alice, address(usdc), FEE);
        vm.expectEmit(address(claim));
        emit Claimed(alice, address(usdc), FEE, AMOUNT);
        vm.prank(alice);
        claim.claimWithUSDC();

        assertEq(usdc.balanceOf(treasury), FEE, "treasury received the fee");
        assertEq(usdc.balanceOf(alice), 0, "alice paid the fee");
        assertEq(usdc.balanceOf(address(claim)), 0, "the claim contract keeps no fee");
        assertEq(sge.balanceOf(alice), AMOUNT, "alice received SGE");
        assertEq(sge.balanceOf(address(claim)), VAULT - AMOUNT, "vault paid out");
        assertTrue(claim.hasClaimed(alice), "hasClaimed");
        assertEq(claim.claimCount(), 1, "claimCount");
        assertEq(usdc.allowance(alice, address(claim)), 0, "allowance used");
    }

    function test_ClaimWithUSDTWorksAlthoughUSDTReturnsNoBool() public {
        _register(alice);
        _fundAndApprove(alice, address(usdt), FEE);
        vm.expectEmit(address(claim));
        emit Claimed(alice, address(usdt), FEE, AMOUNT);
        vm.prank(alice);
        claim.claimWithUSDT();
        assertEq(usdt.balanceOf(treasury), FEE, "treasury received the fee");
        assertEq(usdt.balanceOf(alice), 0, "alice paid");
        assertEq(sge.balanceOf(alice), AMOUNT, "alice received SGE");
    }

    function test_ClaimWithoutSGEIDRequirement() public {
        SGEClaim open =
            new SGEClaim(owner, address(0), address(usdc), address(usdt), address(sge), treasury, FEE, AMOUNT);
        sge.mint(address(open), AMOUNT);
        assertFalse(open.requiresSgeId(), "requiresSgeId");
        usdc.mint(bob, FEE);
        vm.startPrank(bob);
        usdc.approve(address(open), FEE);
        open.claimWithUSDC();
        vm.stopPrank();
        assertEq(sge.balanceOf(bob), AMOUNT, "bob received SGE without an SGE-ID");
    }

    function test_FreeClaimMovesNoPaymentToken() public {
        SGEClaim free = new SGEClaim(owner, address(0), address(usdc), address(usdt), address(sge), treasury, 0, AMOUNT);
        sge.mint(address(free), AMOUNT);
        vm.prank(bob);
        free.claimWithUSDT();
        assertEq(sge.balanceOf(bob), AMOUNT, "bob received SGE");
        assertEq(usdt.balanceOf(treasury), 0, "no fee");
    }

    // ---------------------------------------------------------------- rejections

    function test_RevertWhen_ClaimingTwice() public {
        _register(alice);
        _fundAndApprove(alice, address(usdc), 2 * FEE);
        vm.prank(alice);
        claim.claimWithUSDC();
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimAlreadyClaimed.selector, alice));
        vm.prank(alice);
        claim.claimWithUSDC();
        // The other stablecoin does not open a second claim either.
        _fundAndApprove(alice, address(usdt), FEE);
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimAlreadyClaimed.selector, alice));
        vm.prank(alice);
        claim.claimWithUSDT();
        assertEq(sge.balanceOf(alice), AMOUNT, "one claim only");
        assertEq(usdc.balanceOf(treasury), FEE, "one fee only");
    }

    function test_RevertWhen_CallerHasNoSGEID() public {
        _fundAndApprove(bob, address(usdc), FEE);
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimSGEIDRequired.selector, bob));
        vm.prank(bob);
        claim.claimWithUSDC();
    }

    function test_RevertWhen_VaultHoldsLessThanOneClaim() public {
        vm.prank(owner);
        claim.withdraw(address(sge), owner, VAULT - AMOUNT + 1);
        _register(alice);
        _fundAndApprove(alice, address(usdc), FEE);
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimInsufficientVault.selector, AMOUNT - 1, AMOUNT));
        vm.prank(alice);
        claim.claimWithUSDC();
        assertEq(usdc.balanceOf(alice), FEE, "no fee taken");
        assertFalse(claim.hasClaimed(alice), "not claimed");
    }

    function test_RevertWhen_AllowanceIsBelowTheFee() public {
        _register(alice);
        _fundAndApprove(alice, address(usdc), FEE - 1);
        usdc.mint(alice, 1);
        vm.expectRevert(
            abi.encodeWithSelector(SGEClaim.SGEClaimInsufficientAllowance.selector, alice, address(usdc), FEE - 1, FEE)
        );
        vm.prank(alice);
        claim.claimWithUSDC();
    }

    function test_RevertWhen_BalanceIsBelowTheFee() public {
        _register(alice);
        usdt.mint(alice, FEE - 5);
        vm.prank(alice);
        usdt.approve(address(claim), FEE);
        vm.expectRevert(
            abi.encodeWithSelector(SGEClaim.SGEClaimInsufficientBalance.selector, alice, address(usdt), FEE - 5, FEE)
        );
        vm.prank(alice);
        claim.claimWithUSDT();
    }

    function test_RevertWhen_PaymentTokenReturnsFalse() public {
        FalseReturningToken broken = new FalseReturningToken();
        SGEClaim withBroken =
            new SGEClaim(owner, address(0), address(broken), address(usdt), address(sge), treasury, FEE, AMOUNT);
        sge.mint(address(withBroken), AMOUNT);
        vm.expectRevert(SafeTransferLib.TransferFromFailed.selector);
        vm.prank(alice);
        withBroken.claimWithUSDC();
        assertEq(sge.balanceOf(alice), 0, "no SGE without payment");
        assertFalse(withBroken.hasClaimed(alice), "not claimed");
    }

    function test_RevertWhen_Paused() public {
        _register(alice);
        _fundAndApprove(alice, address(usdc), FEE);
        vm.expectEmit(address(claim));
        emit PausedSet(true);
        vm.prank(owner);
        claim.setPaused(true);
        vm.expectRevert(SGEClaim.SGEClaimPaused.selector);
        vm.prank(alice);
        claim.claimWithUSDC();

        vm.prank(owner);
        claim.setPaused(false);
        vm.prank(alice);
        claim.claimWithUSDC();
        assertTrue(claim.hasClaimed(alice), "claim works after unpausing");
    }

    function test_RevertWhen_ConstructedWithoutARequiredAddressOrAmount() public {
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimZeroAddress.selector, address(0)));
        new SGEClaim(owner, address(0), address(usdc), address(usdt), address(sge), address(0), FEE, AMOUNT);
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimZeroAddress.selector, address(0)));
        new SGEClaim(owner, address(0), address(0), address(usdt), address(sge), treasury, FEE, AMOUNT);
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimInvalidClaimAmount.selector, 0));
        new SGEClaim(owner, address(0), address(usdc), address(usdt), address(sge), treasury, FEE, 0);
    }

    // ---------------------------------------------------------------- owner

    function test_OwnerChangesTheTreasury() public {
        address newTreasury = makeAddr("newTreasury");
        vm.expectEmit(address(claim));
        emit TreasuryChanged(treasury, newTreasury);
        vm.prank(owner);
        claim.setTreasury(newTreasury);
        _register(alice);
        _fundAndApprove(alice, address(usdc), FEE);
        vm.prank(alice);
        claim.claimWithUSDC();
        assertEq(usdc.balanceOf(newTreasury), FEE, "fee went to the new treasury");
        assertEq(usdc.balanceOf(treasury), 0, "old treasury got nothing");
    }

    function test_RevertWhen_TreasuryIsSetToZero() public {
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimZeroAddress.selector, address(0)));
        vm.prank(owner);
        claim.setTreasury(address(0));
    }

    function test_OwnerWithdrawsLeftoverSge() public {
        vm.expectEmit(address(claim));
        emit Withdrawn(address(sge), owner, VAULT);
        vm.prank(owner);
        claim.withdraw(address(sge), owner, VAULT);
        assertEq(sge.balanceOf(owner), VAULT, "owner received the leftover");
        assertEq(claim.vaultBalance(), 0, "vault empty");
    }

    function test_RevertWhen_NonOwnerUsesOwnerFunctions() public {
        bytes memory unauthorized = abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice);
        vm.startPrank(alice);
        vm.expectRevert(unauthorized);
        claim.setPaused(true);
        vm.expectRevert(unauthorized);
        claim.setTreasury(alice);
        vm.expectRevert(unauthorized);
        claim.withdraw(address(sge), alice, 1);
        vm.stopPrank();
    }

    function test_RevertWhen_WithdrawingToZero() public {
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimZeroAddress.selector, address(0)));
        vm.prank(owner);
        claim.withdraw(address(sge), address(0), 1);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_ClaimMovesExactlyTheFeeAndTheAmount(uint256 fee, uint256 amount, bool withUsdt, address account)
        public
    {
        fee = bound(fee, 0, 1e15); // up to 1 billion USD
        amount = bound(amount, 1, 1e30);
        vm.assume(account != address(0) && account != treasury && account.code.length == 0);
        SGEClaim fuzzClaim =
            new SGEClaim(owner, address(0), address(usdc), address(usdt), address(sge), treasury, fee, amount);
        sge.mint(address(fuzzClaim), amount);
        address token = withUsdt ? address(usdt) : address(usdc);
        TestUSDC(token).mint(account, fee);
        vm.prank(account);
        // TestUSDT.approve returns no data, so each token is called through its own ABI.
        if (withUsdt) usdt.approve(address(fuzzClaim), fee);
        else usdc.approve(address(fuzzClaim), fee);
        vm.prank(account);
        if (withUsdt) fuzzClaim.claimWithUSDT();
        else fuzzClaim.claimWithUSDC();
        assertEq(TestUSDC(token).balanceOf(treasury), fee, "treasury got the fee");
        assertEq(TestUSDC(token).balanceOf(account), 0, "account paid the fee");
        assertEq(sge.balanceOf(account), amount, "account got the amount");
        assertEq(sge.balanceOf(address(fuzzClaim)), 0, "vault emptied");
    }

    function testFuzz_RevertWhen_WalletClaimsTwice(address account) public {
        vm.assume(account != address(0) && account != treasury && account.code.length == 0);
        _register(account);
        _fundAndApprove(account, address(usdc), FEE);
        vm.prank(account);
        claim.claimWithUSDC();
        _fundAndApprove(account, address(usdc), FEE);
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimAlreadyClaimed.selector, account));
        vm.prank(account);
        claim.claimWithUSDC();
    }
}

/// Invariants over random sequences of claims (USDC and USDT, repeated wallets, wallets without an
/// SGE-ID, an emptied vault), vault top-ups, withdrawals and treasury changes.
contract SGEClaimInvariantTest is SGETest {
    uint256 internal constant FEE = 100_000_000;
    uint256 internal constant AMOUNT = 1_000e18;

    SGEClaimHandler internal handler;

    function setUp() public {
        handler = new SGEClaimHandler(FEE, AMOUNT);
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = SGEClaimHandler.claim.selector;
        selectors[1] = SGEClaimHandler.register.selector;
        selectors[2] = SGEClaimHandler.fundVault.selector;
        selectors[3] = SGEClaimHandler.withdrawLeftover.selector;
        selectors[4] = SGEClaimHandler.switchTreasury.selector;
        targetSelector(address(handler), selectors);
    }

    /// SGE paid to claimants = claims x claimAmount.
    function invariant_SgeOutEqualsClaimsTimesAmount() public view {
        SGEClaim claim = handler.claim_();
        assertEq(claim.claimCount(), handler.successfulClaims(), "claimCount vs model");
        assertEq(handler.sgeHeldByActors(), claim.claimCount() * AMOUNT, "SGE out vs claims x amount");
        assertEq(
            handler.sge().balanceOf(address(claim)),
            handler.vaultFunded() - claim.claimCount() * AMOUNT - handler.vaultWithdrawn(),
            "vault = funded - claimed - withdrawn"
        );
    }

    /// Fees received by the treasuries = claims x fee (in USDC and USDT together).
    function invariant_FeesToTreasuryEqualClaimsTimesFee() public view {
        assertEq(handler.feesHeldByTreasuries(), handler.claim_().claimCount() * FEE, "fees vs claims x fee");
        assertEq(handler.usdc().balanceOf(address(handler.claim_())), 0, "no USDC stays in the claim contract");
        assertEq(handler.usdt().balanceOf(address(handler.claim_())), 0, "no USDT stays in the claim contract");
    }

    /// Every wallet holds either nothing or exactly one claim amount, matching hasClaimed.
    function invariant_EachWalletClaimsAtMostOnce() public view {
        for (uint256 i; i < handler.ACTOR_COUNT(); ++i) {
            address actor = handler.actor(i);
            uint256 balance = handler.sge().balanceOf(actor);
            uint256 expected = handler.claim_().hasClaimed(actor) ? AMOUNT : 0;
            // Asserts only on a mismatch: forge evaluates invariants after every call.
            if (balance != expected) assertEq(balance, expected, "actor SGE vs hasClaimed");
        }
    }
}
