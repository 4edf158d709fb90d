// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SafeTransferLib} from "solady/utils/SafeTransferLib.sol";
import {SGEPayout} from "../src/SGEPayout.sol";
import {SGERelayerRoles} from "../src/SGERelayerRoles.sol";
import {TestUSDC} from "../src/TestUSDC.sol";
import {TestUSDT} from "../src/TestUSDT.sol";
import {SGEPayoutHandler} from "./handlers/SGEPayoutHandler.sol";
import {FalseReturningToken, ReentrantToken} from "./utils/MockTokens.sol";
import {SGETest} from "./utils/SGETest.sol";

contract SGEPayoutTest is SGETest {
    event BatchPaid(uint256 indexed batchId, address indexed token, uint256 recipientCount, uint256 total);
    event Withdrawn(address indexed token, address indexed to, uint256 amount);

    TestUSDC internal usdc;
    TestUSDT internal usdt;
    SGEPayout internal payout;
    address internal owner = makeAddr("owner");
    address internal relayer = makeAddr("relayer");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    function setUp() public {
        usdc = new TestUSDC();
        usdt = new TestUSDT();
        payout = new SGEPayout(owner, relayer);
    }

    function _three() internal view returns (address[] memory recipients, uint256[] memory amounts) {
        recipients = new address[](3);
        recipients[0] = alice;
        recipients[1] = bob;
        recipients[2] = carol;
        amounts = new uint256[](3);
        amounts[0] = 10e6;
        amounts[1] = 20e6;
        amounts[2] = 30e6;
    }

    function _pay(uint256 batchId, address token, address[] memory recipients, uint256[] memory amounts) internal {
        vm.prank(relayer);
        payout.payBatch(batchId, token, recipients, amounts);
    }

    // ---------------------------------------------------------------- happy paths

    function test_PaysEveryRecipientInOneTransaction() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        vm.roll(1234);
        vm.expectEmit(address(payout));
        emit BatchPaid(7, address(usdc), 3, 60e6);
        _pay(7, address(usdc), recipients, amounts);

        assertEq(usdc.balanceOf(alice), 10e6, "alice");
        assertEq(usdc.balanceOf(bob), 20e6, "bob");
        assertEq(usdc.balanceOf(carol), 30e6, "carol");
        assertEq(usdc.balanceOf(address(payout)), 40e6, "remaining balance");
        assertTrue(payout.batchPaid(7), "batchPaid");
        assertEq(payout.batchPaidBlock(7), 1234, "batchPaidBlock");
        assertFalse(payout.batchPaid(8), "other ids unpaid");
    }

    function test_PaysInUSDTAlthoughUSDTReturnsNoBool() public {
        usdt.mint(address(payout), 60e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        _pay(1, address(usdt), recipients, amounts);
        assertEq(usdt.balanceOf(carol), 30e6, "carol");
        assertEq(usdt.balanceOf(address(payout)), 0, "all paid");
    }

    function test_SameRecipientTwiceInABatchGetsBothAmounts() public {
        usdc.mint(address(payout), 3e6);
        address[] memory recipients = new address[](2);
        recipients[0] = alice;
        recipients[1] = alice;
        uint256[] memory amounts = new uint256[](2);
        amounts[0] = 1e6;
        amounts[1] = 2e6;
        _pay(1, address(usdc), recipients, amounts);
        assertEq(usdc.balanceOf(alice), 3e6, "alice got both lines");
    }

    // ---------------------------------------------------------------- double-payment guard

    function test_RevertWhen_BatchIdWasAlreadyPaid() public {
        usdc.mint(address(payout), 200e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        _pay(42, address(usdc), recipients, amounts);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutBatchAlreadyPaid.selector, 42));
        _pay(42, address(usdc), recipients, amounts);
        // Another token or other recipients do not reopen the id either.
        usdt.mint(address(payout), 100e6);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutBatchAlreadyPaid.selector, 42));
        _pay(42, address(usdt), recipients, amounts);
        assertEq(usdc.balanceOf(alice), 10e6, "paid once");
    }

    function test_FailedBatchCanBeRetriedOnceFunded() public {
        (address[] memory recipients, uint256[] memory amounts) = _three();
        usdc.mint(address(payout), 59e6);
        vm.expectRevert(
            abi.encodeWithSelector(SGEPayout.SGEPayoutInsufficientBalance.selector, address(usdc), 59e6, 60e6)
        );
        _pay(9, address(usdc), recipients, amounts);
        assertFalse(payout.batchPaid(9), "a reverted batch is not marked paid");
        assertEq(usdc.balanceOf(alice), 0, "nothing moved");

        usdc.mint(address(payout), 1e6);
        _pay(9, address(usdc), recipients, amounts);
        assertTrue(payout.batchPaid(9), "paid on retry");
        assertEq(usdc.balanceOf(address(payout)), 0, "all paid");
    }

    function test_ReentrantPayWithTheSameIdIsRejected() public {
        ReentrantToken token = new ReentrantToken();
        token.mint(address(payout), 200e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        // The token is given the relayer role so that its re-entry passes the role check and reaches
        // the double-payment guard.
        vm.prank(owner);
        payout.grantRelayer(address(token));
        token.arm(address(payout), abi.encodeCall(SGEPayout.payBatch, (5, address(token), recipients, amounts)));

        _pay(5, address(token), recipients, amounts);

        assertTrue(token.reentered(), "the token re-entered");
        assertEq(
            keccak256(token.reentryRevertData()),
            keccak256(abi.encodeWithSelector(SGEPayout.SGEPayoutBatchAlreadyPaid.selector, 5)),
            "re-entry hit the guard"
        );
        assertEq(token.balanceOf(alice), 10e6, "alice paid once");
        assertEq(token.balanceOf(address(payout)), 140e6, "one batch left the contract");
    }

    // ---------------------------------------------------------------- rejections

    function test_RevertWhen_CallerIsNotARelayer() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        vm.expectRevert(abi.encodeWithSelector(SGERelayerRoles.SGERelayerUnauthorized.selector, owner));
        vm.prank(owner);
        payout.payBatch(1, address(usdc), recipients, amounts);
    }

    function test_RevertWhen_LengthsDiffer() public {
        (address[] memory recipients,) = _three();
        uint256[] memory amounts = new uint256[](2);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutLengthMismatch.selector, 3, 2));
        _pay(1, address(usdc), recipients, amounts);
    }

    function test_RevertWhen_BatchIsEmpty() public {
        uint256 max = payout.PAY_BATCH_SIZE_MAX();
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidBatchSize.selector, 0, max));
        _pay(1, address(usdc), new address[](0), new uint256[](0));
    }

    function test_RevertWhen_BatchIsTooLarge() public {
        uint256 max = payout.PAY_BATCH_SIZE_MAX();
        address[] memory recipients = new address[](max + 1);
        uint256[] memory amounts = new uint256[](max + 1);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidBatchSize.selector, max + 1, max));
        _pay(1, address(usdc), recipients, amounts);
    }

    function test_PaysTheMaximumBatchSize() public {
        uint256 max = payout.PAY_BATCH_SIZE_MAX();
        address[] memory recipients = new address[](max);
        uint256[] memory amounts = new uint256[](max);
        for (uint256 i; i < max; ++i) {
            recipients[i] = addressFrom(i);
            amounts[i] = 1e6;
        }
        usdc.mint(address(payout), max * 1e6);
        _pay(1, address(usdc), recipients, amounts);
        assertEq(usdc.balanceOf(address(payout)), 0, "all paid");
        assertEq(usdc.balanceOf(addressFrom(max - 1)), 1e6, "last recipient paid");
    }

    function test_RevertWhen_ARecipientIsTheZeroAddress() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        recipients[1] = address(0);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidRecipient.selector, 1, address(0)));
        _pay(1, address(usdc), recipients, amounts);
    }

    function test_RevertWhen_AnAmountIsZero() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        amounts[2] = 0;
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutZeroAmount.selector, 2));
        _pay(1, address(usdc), recipients, amounts);
    }

    function test_RevertWhen_TheTotalOverflows() public {
        (address[] memory recipients, uint256[] memory amounts) = _three();
        amounts[0] = type(uint256).max;
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        _pay(1, address(usdc), recipients, amounts);
    }

    function test_RevertWhen_TheTokenReturnsFalse() public {
        FalseReturningToken broken = new FalseReturningToken();
        (address[] memory recipients, uint256[] memory amounts) = _three();
        vm.expectRevert(SafeTransferLib.TransferFailed.selector);
        _pay(1, address(broken), recipients, amounts);
        assertFalse(payout.batchPaid(1), "not marked paid");
    }

    // ---------------------------------------------------------------- owner

    function test_OwnerWithdrawsFunds() public {
        usdc.mint(address(payout), 50e6);
        vm.expectEmit(address(payout));
        emit Withdrawn(address(usdc), owner, 50e6);
        vm.prank(owner);
        payout.withdraw(address(usdc), owner, 50e6);
        assertEq(usdc.balanceOf(owner), 50e6, "owner received");
    }

    function test_RevertWhen_NonOwnerWithdraws() public {
        usdc.mint(address(payout), 50e6);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, relayer));
        vm.prank(relayer);
        payout.withdraw(address(usdc), relayer, 50e6);
    }

    function test_RevertWhen_WithdrawingToZero() public {
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutZeroAddress.selector, address(0)));
        vm.prank(owner);
        payout.withdraw(address(usdc), address(0), 1);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_PaysExactlyTheGivenAmounts(uint256 seed, uint256 count, uint256 extra) public {
        count = bound(count, 1, 40);
        extra = bound(extra, 0, 1e12);
        address[] memory recipients = new address[](count);
        uint256[] memory amounts = new uint256[](count);
        uint256 total;
        for (uint256 i; i < count; ++i) {
            recipients[i] = addressFrom(uint256(keccak256(abi.encode(seed, i))));
            amounts[i] = bound(uint256(keccak256(abi.encode(seed, i, "amount"))), 1, 1e12);
            total += amounts[i];
        }
        usdc.mint(address(payout), total + extra);
        _pay(seed, address(usdc), recipients, amounts);
        for (uint256 i; i < count; ++i) {
            assertEq(usdc.balanceOf(recipients[i]), amounts[i], "recipient amount");
        }
        assertEq(usdc.balanceOf(address(payout)), extra, "contract keeps the rest");
        assertTrue(payout.batchPaid(seed), "batch paid");
    }

    function testFuzz_RevertWhen_BatchIdIsReused(uint256 batchId) public {
        usdc.mint(address(payout), 120e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        _pay(batchId, address(usdc), recipients, amounts);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutBatchAlreadyPaid.selector, batchId));
        _pay(batchId, address(usdc), recipients, amounts);
    }
}

/// Invariants over random payout batches that reuse batch ids, run short of funds and include
/// invalid entries.
contract SGEPayoutInvariantTest is SGETest {
    SGEPayoutHandler internal handler;

    function setUp() public {
        handler = new SGEPayoutHandler();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](2);
        selectors[0] = SGEPayoutHandler.payBatch.selector;
        selectors[1] = SGEPayoutHandler.fund.selector;
        targetSelector(address(handler), selectors);
    }

    /// A batch id is paid at most once, and the contract's record matches the model.
    function invariant_BatchIdIsPaidAtMostOnce() public view {
        for (uint256 id; id < handler.BATCH_ID_COUNT(); ++id) {
            uint256 successes = handler.successfulPays(id);
            bool paid = handler.payout().batchPaid(id);
            // Asserts only on a mismatch: forge evaluates invariants after every call.
            if (successes > 1) assertLe(successes, 1, "a batch id was paid twice");
            if (paid != (successes == 1)) assertEq(paid, successes == 1, "batchPaid vs model");
        }
    }

    /// Total paid = sum of the totals of paid batches = what recipients hold = funded - balance.
    function invariant_TotalPaidEqualsSumOfPaidBatches() public view {
        uint256 paid = handler.sumOfPaidBatchTotals();
        assertEq(handler.heldByRecipients(), paid, "recipients' holdings vs paid batch totals");
        assertEq(
            handler.usdc().balanceOf(address(handler.payout())), handler.funded() - paid, "balance = funded - paid"
        );
    }
}
