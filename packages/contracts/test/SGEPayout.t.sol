// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SGEPayout} from "../src/SGEPayout.sol";
import {SGERelayerRoles} from "../src/SGERelayerRoles.sol";
import {TestUSDC} from "../src/TestUSDC.sol";
import {TestUSDT} from "../src/TestUSDT.sol";
import {SGEPayoutHandler} from "./handlers/SGEPayoutHandler.sol";
import {FalseReturningToken, ReentrantToken} from "./utils/MockTokens.sol";
import {SGETest, Vm} from "./utils/SGETest.sol";
import {TestERC1271Wallet} from "./utils/TestERC1271Wallet.sol";

contract SGEPayoutTest is SGETest {
    event BatchPaid(uint256 indexed batchId, address indexed token, uint256 recipientCount, uint256 total);
    event PaymentSkipped(uint256 indexed batchId, uint256 index, address indexed recipient, uint256 amount);
    event ApproverSet(address indexed approver, bool enabled);
    event Withdrawn(address indexed token, address indexed to, uint256 amount);

    uint256 internal constant VALIDITY = 1 hours;

    TestUSDC internal usdc;
    TestUSDT internal usdt;
    SGEPayout internal payout;
    address internal owner = makeAddr("owner");
    address internal relayer = makeAddr("relayer");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal approverA;
    uint256 internal approverAKey;
    address internal approverB;
    uint256 internal approverBKey;
    address internal stranger;
    uint256 internal strangerKey;

    function setUp() public {
        usdc = new TestUSDC();
        usdt = new TestUSDT();
        payout = new SGEPayout(owner, relayer);
        (approverA, approverAKey) = makeAddrAndKey("approverA");
        (approverB, approverBKey) = makeAddrAndKey("approverB");
        (stranger, strangerKey) = makeAddrAndKey("stranger");
        vm.startPrank(owner);
        payout.setApprover(approverA, true);
        payout.setApprover(approverB, true);
        vm.stopPrank();
        vm.warp(1_800_000_000);
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

    function _approval(uint256 key, address approver, bytes32 digest)
        internal
        pure
        returns (SGEPayout.Approval memory)
    {
        return SGEPayout.Approval({approver: approver, signature: signDigest(key, digest)});
    }

    /// Approvals by approvers A and B of the given batch on `payout`.
    function _approvals(
        uint256 batchId,
        address token,
        address[] memory recipients,
        uint256[] memory amounts,
        uint256 deadline
    ) internal view returns (SGEPayout.Approval[] memory approvals) {
        bytes32 digest = payout.payBatchDigest(batchId, token, recipients, amounts, deadline);
        approvals = new SGEPayout.Approval[](2);
        approvals[0] = _approval(approverAKey, approverA, digest);
        approvals[1] = _approval(approverBKey, approverB, digest);
    }

    function _payWith(
        uint256 batchId,
        address token,
        address[] memory recipients,
        uint256[] memory amounts,
        uint256 deadline,
        SGEPayout.Approval[] memory approvals
    ) internal {
        vm.prank(relayer);
        payout.payBatch(batchId, token, recipients, amounts, deadline, approvals);
    }

    /// Pays with valid approvals by A and B.
    function _pay(uint256 batchId, address token, address[] memory recipients, uint256[] memory amounts) internal {
        uint256 deadline = block.timestamp + VALIDITY;
        _payWith(
            batchId, token, recipients, amounts, deadline, _approvals(batchId, token, recipients, amounts, deadline)
        );
    }

    /// Computes approvals first, then expects `revertData` from payBatch (expectRevert binds to the next
    /// call, and computing the digest is a call).
    function _expectPayRevert(
        bytes memory revertData,
        uint256 batchId,
        address token,
        address[] memory recipients,
        uint256[] memory amounts
    ) internal {
        uint256 deadline = block.timestamp + VALIDITY;
        SGEPayout.Approval[] memory approvals = _approvals(batchId, token, recipients, amounts, deadline);
        vm.expectRevert(revertData);
        _payWith(batchId, token, recipients, amounts, deadline, approvals);
    }

    // ---------------------------------------------------------------- happy paths

    function test_PaysEveryRecipientWithTwoApprovals() public {
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

    function test_DigestIsTheEIP712HashOfThePayoutBatch() public view {
        (address[] memory recipients, uint256[] memory amounts) = _three();
        bytes32 domainSeparator = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("SGEPayout"),
                keccak256("1"),
                block.chainid,
                address(payout)
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256(
                    "PayoutBatch(uint256 batchId,address token,bytes32 paymentsHash,uint256 total,uint256 deadline)"
                ),
                uint256(7),
                address(usdc),
                keccak256(abi.encode(recipients, amounts)),
                uint256(60e6),
                uint256(1_900_000_000)
            )
        );
        assertEq(
            payout.payBatchDigest(7, address(usdc), recipients, amounts, 1_900_000_000),
            keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash)),
            "digest"
        );
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

    function test_AcceptsAnERC1271ContractWalletAsApprover() public {
        (address walletSigner, uint256 walletSignerKey) = makeAddrAndKey("safe signer");
        TestERC1271Wallet wallet = new TestERC1271Wallet(walletSigner);
        vm.prank(owner);
        payout.setApprover(address(wallet), true);
        usdc.mint(address(payout), 60e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        bytes32 digest = payout.payBatchDigest(3, address(usdc), recipients, amounts, deadline);
        SGEPayout.Approval[] memory approvals = new SGEPayout.Approval[](2);
        approvals[0] = _approval(walletSignerKey, address(wallet), digest);
        approvals[1] = _approval(approverBKey, approverB, digest);
        _payWith(3, address(usdc), recipients, amounts, deadline, approvals);
        assertEq(usdc.balanceOf(carol), 30e6, "paid");

        // The wallet's signer key is not itself an approver: only the wallet is.
        digest = payout.payBatchDigest(4, address(usdc), recipients, amounts, deadline);
        approvals[0] = _approval(walletSignerKey, address(wallet), digest);
        approvals[1] = _approval(walletSignerKey, walletSigner, digest);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutNotApprover.selector, walletSigner));
        _payWith(4, address(usdc), recipients, amounts, deadline, approvals);
    }

    function test_RevertWhen_AnERC1271WalletRejectsTheSignature() public {
        (address walletSigner,) = makeAddrAndKey("safe signer");
        TestERC1271Wallet wallet = new TestERC1271Wallet(walletSigner);
        vm.prank(owner);
        payout.setApprover(address(wallet), true);
        usdc.mint(address(payout), 60e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        bytes32 digest = payout.payBatchDigest(3, address(usdc), recipients, amounts, deadline);
        SGEPayout.Approval[] memory approvals = new SGEPayout.Approval[](2);
        approvals[0] = _approval(strangerKey, address(wallet), digest);
        approvals[1] = _approval(approverBKey, approverB, digest);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidSignature.selector, address(wallet)));
        _payWith(3, address(usdc), recipients, amounts, deadline, approvals);
    }

    function test_AcceptsMoreThanTwoDistinctApprovals() public {
        (address approverC, uint256 approverCKey) = makeAddrAndKey("approverC");
        vm.prank(owner);
        payout.setApprover(approverC, true);
        usdc.mint(address(payout), 60e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        bytes32 digest = payout.payBatchDigest(1, address(usdc), recipients, amounts, deadline);
        SGEPayout.Approval[] memory approvals = new SGEPayout.Approval[](3);
        approvals[0] = _approval(approverCKey, approverC, digest);
        approvals[1] = _approval(approverAKey, approverA, digest);
        approvals[2] = _approval(approverBKey, approverB, digest);
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals);
        assertTrue(payout.batchPaid(1), "paid");
    }

    // ---------------------------------------------------------------- approvals

    function test_RevertWhen_TheRelayerSendsNoApprovals() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutNotEnoughApprovals.selector, 0, 2));
        _payWith(1, address(usdc), recipients, amounts, block.timestamp + VALIDITY, new SGEPayout.Approval[](0));
        assertEq(usdc.balanceOf(address(payout)), 100e6, "nothing moved");
        assertEq(usdc.balanceOf(alice), 0, "alice unpaid");
        assertFalse(payout.batchPaid(1), "not marked paid");
    }

    function test_RevertWhen_OnlyOneApproverSigned() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        SGEPayout.Approval[] memory approvals = new SGEPayout.Approval[](1);
        approvals[0] =
            _approval(approverAKey, approverA, payout.payBatchDigest(1, address(usdc), recipients, amounts, deadline));
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutNotEnoughApprovals.selector, 1, 2));
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals);
    }

    function test_RevertWhen_TheSameApproverSignsTwice() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        bytes32 digest = payout.payBatchDigest(1, address(usdc), recipients, amounts, deadline);
        SGEPayout.Approval[] memory approvals = new SGEPayout.Approval[](2);
        approvals[0] = _approval(approverAKey, approverA, digest);
        approvals[1] = _approval(approverAKey, approverA, digest);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutDuplicateApprover.selector, approverA));
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals);
        assertEq(usdc.balanceOf(address(payout)), 100e6, "nothing moved");
    }

    function test_RevertWhen_ASignerIsNotAnApprover() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        bytes32 digest = payout.payBatchDigest(1, address(usdc), recipients, amounts, deadline);
        SGEPayout.Approval[] memory approvals = new SGEPayout.Approval[](2);
        approvals[0] = _approval(approverAKey, approverA, digest);
        approvals[1] = _approval(strangerKey, stranger, digest);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutNotApprover.selector, stranger));
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals);
    }

    function test_RevertWhen_ARemovedApproverSigns() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        vm.prank(owner);
        payout.setApprover(approverB, false);
        _expectPayRevert(
            abi.encodeWithSelector(SGEPayout.SGEPayoutNotApprover.selector, approverB),
            1,
            address(usdc),
            recipients,
            amounts
        );
    }

    function test_RevertWhen_OneApprovalIsValidAndTheOtherIsNot() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        bytes32 digest = payout.payBatchDigest(1, address(usdc), recipients, amounts, deadline);
        SGEPayout.Approval[] memory approvals = new SGEPayout.Approval[](2);
        approvals[0] = _approval(approverAKey, approverA, digest);
        // Approver B's entry carries the stranger's signature.
        approvals[1] = _approval(strangerKey, approverB, digest);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidSignature.selector, approverB));
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals);

        // A malformed signature is refused the same way.
        approvals[1] = SGEPayout.Approval({approver: approverB, signature: hex"1234"});
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidSignature.selector, approverB));
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals);
        assertEq(usdc.balanceOf(address(payout)), 100e6, "nothing moved");
    }

    function test_RevertWhen_TheDeadlinePassed() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        SGEPayout.Approval[] memory approvals = _approvals(1, address(usdc), recipients, amounts, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutApprovalExpired.selector, deadline, deadline + 1));
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals);

        // Up to and including the deadline second the approvals are good.
        vm.warp(deadline);
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals);
        assertTrue(payout.batchPaid(1), "paid at the deadline");
    }

    function test_RevertWhen_ApprovalsAreForAnotherBatchAmountRecipientOrToken() public {
        usdc.mint(address(payout), 100e6);
        usdt.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        SGEPayout.Approval[] memory approvals = _approvals(1, address(usdc), recipients, amounts, deadline);
        bytes memory invalid = abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidSignature.selector, approverA);

        vm.expectRevert(invalid);
        _payWith(2, address(usdc), recipients, amounts, deadline, approvals); // another batch id
        vm.expectRevert(invalid);
        _payWith(1, address(usdt), recipients, amounts, deadline, approvals); // another token
        vm.expectRevert(invalid);
        _payWith(1, address(usdc), recipients, amounts, deadline + 1, approvals); // another deadline

        amounts[2] = 31e6;
        vm.expectRevert(invalid);
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals); // another amount
        amounts[2] = 30e6;

        recipients[0] = bob;
        recipients[1] = alice;
        vm.expectRevert(invalid);
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals); // recipients swapped
        assertEq(usdc.balanceOf(address(payout)), 100e6, "nothing moved");
    }

    function test_RevertWhen_ApprovalsAreForAnotherPayoutContract() public {
        SGEPayout other = new SGEPayout(owner, relayer);
        vm.startPrank(owner);
        other.setApprover(approverA, true);
        other.setApprover(approverB, true);
        vm.stopPrank();
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        bytes32 digest = other.payBatchDigest(1, address(usdc), recipients, amounts, deadline);
        SGEPayout.Approval[] memory approvals = new SGEPayout.Approval[](2);
        approvals[0] = _approval(approverAKey, approverA, digest);
        approvals[1] = _approval(approverBKey, approverB, digest);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidSignature.selector, approverA));
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals);
    }

    function test_RevertWhen_ApprovalsAreForAnotherChain() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        SGEPayout.Approval[] memory approvals = _approvals(1, address(usdc), recipients, amounts, deadline);
        vm.chainId(block.chainid + 1);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidSignature.selector, approverA));
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals);
    }

    function test_RevertWhen_MoreApprovalsThanTheMaximumAreGiven() public {
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 max = payout.APPROVALS_MAX();
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutTooManyApprovals.selector, max + 1, max));
        _payWith(1, address(usdc), recipients, amounts, block.timestamp, new SGEPayout.Approval[](max + 1));
    }

    function testFuzz_RevertWhen_AnyAmountDiffersFromTheApprovedOne(uint256 index, uint256 amount) public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        SGEPayout.Approval[] memory approvals = _approvals(1, address(usdc), recipients, amounts, deadline);
        index = bound(index, 0, 2);
        amount = bound(amount, 1, 1e12);
        vm.assume(amount != amounts[index]);
        amounts[index] = amount;
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidSignature.selector, approverA));
        _payWith(1, address(usdc), recipients, amounts, deadline, approvals);
    }

    // ---------------------------------------------------------------- failing transfers are skipped

    function test_SkipsABlacklistedRecipientAndPaysTheOthers() public {
        usdc.mint(address(payout), 100e6);
        usdc.blacklist(bob);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        vm.expectEmit(address(payout));
        emit PaymentSkipped(5, 1, bob, 20e6);
        vm.expectEmit(address(payout));
        emit BatchPaid(5, address(usdc), 2, 40e6);
        _pay(5, address(usdc), recipients, amounts);

        assertEq(usdc.balanceOf(alice), 10e6, "alice paid");
        assertEq(usdc.balanceOf(bob), 0, "bob skipped");
        assertEq(usdc.balanceOf(carol), 30e6, "carol paid");
        assertEq(usdc.balanceOf(address(payout)), 60e6, "bob's 20 stays in the contract");
        assertTrue(payout.batchPaid(5), "the batch is paid");
    }

    function test_SkipsEveryRecipientWhenTheTokenReturnsFalse() public {
        FalseReturningToken broken = new FalseReturningToken();
        (address[] memory recipients, uint256[] memory amounts) = _three();
        vm.recordLogs();
        _pay(1, address(broken), recipients, amounts);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        assertEq(logs.length, 4, "three skips and the batch");
        for (uint256 i; i < 3; ++i) {
            assertEq(logs[i].topics[0], PaymentSkipped.selector, "skip event");
            assertEq(logs[i].topics[2], bytes32(uint256(uint160(recipients[i]))), "skipped recipient");
        }
        assertEq(logs[3].topics[0], BatchPaid.selector, "batch event");
        assertEq(keccak256(logs[3].data), keccak256(abi.encode(uint256(0), uint256(0))), "nothing paid");
    }

    // ---------------------------------------------------------------- double-payment guard

    function test_RevertWhen_BatchIdWasAlreadyPaid() public {
        usdc.mint(address(payout), 200e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        _pay(42, address(usdc), recipients, amounts);
        _expectPayRevert(
            abi.encodeWithSelector(SGEPayout.SGEPayoutBatchAlreadyPaid.selector, 42),
            42,
            address(usdc),
            recipients,
            amounts
        );
        // Another token or other recipients do not reopen the id either.
        usdt.mint(address(payout), 100e6);
        _expectPayRevert(
            abi.encodeWithSelector(SGEPayout.SGEPayoutBatchAlreadyPaid.selector, 42),
            42,
            address(usdt),
            recipients,
            amounts
        );
        assertEq(usdc.balanceOf(alice), 10e6, "paid once");
    }

    function test_RevertWhen_AVoidedBatchIsPaidWithValidApprovals() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        uint256 deadline = block.timestamp + VALIDITY;
        // Signed by both approvers, then cancelled by the platform: the signatures must pay nothing.
        SGEPayout.Approval[] memory approvals = _approvals(9, address(usdc), recipients, amounts, deadline);
        vm.expectEmit(address(payout));
        emit SGEPayout.BatchVoided(9);
        vm.prank(relayer);
        payout.voidBatch(9);
        assertTrue(payout.batchVoided(9), "voided");
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutBatchVoided.selector, 9));
        _payWith(9, address(usdc), recipients, amounts, deadline, approvals);
        assertEq(usdc.balanceOf(address(payout)), 100e6, "nothing moved");
        // Voiding again changes nothing and does not revert.
        vm.recordLogs();
        vm.prank(relayer);
        payout.voidBatch(9);
        assertEq(vm.getRecordedLogs().length, 0, "no second event");
    }

    function test_RevertWhen_APaidBatchIsVoided() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        _pay(10, address(usdc), recipients, amounts);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutBatchAlreadyPaid.selector, 10));
        vm.prank(relayer);
        payout.voidBatch(10);
    }

    function test_RevertWhen_ANonRelayerVoidsABatch() public {
        vm.expectRevert(abi.encodeWithSelector(SGERelayerRoles.SGERelayerUnauthorized.selector, approverA));
        vm.prank(approverA);
        payout.voidBatch(11);
        assertFalse(payout.batchVoided(11), "not voided");
    }

    function test_RevertWhen_TheBalanceIsBelowTheTotalAndPaysOnceFunded() public {
        (address[] memory recipients, uint256[] memory amounts) = _three();
        usdc.mint(address(payout), 59e6);
        _expectPayRevert(
            abi.encodeWithSelector(SGEPayout.SGEPayoutInsufficientBalance.selector, address(usdc), 59e6, 60e6),
            9,
            address(usdc),
            recipients,
            amounts
        );
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
        uint256 deadline = block.timestamp + VALIDITY;
        SGEPayout.Approval[] memory approvals = _approvals(5, address(token), recipients, amounts, deadline);
        // The token is given the relayer role so that its re-entry passes the role check and reaches
        // the double-payment guard, carrying the same valid approvals.
        vm.prank(owner);
        payout.grantRelayer(address(token));
        token.arm(
            address(payout),
            abi.encodeCall(SGEPayout.payBatch, (5, address(token), recipients, amounts, deadline, approvals))
        );

        _payWith(5, address(token), recipients, amounts, deadline, approvals);

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
        uint256 deadline = block.timestamp + VALIDITY;
        SGEPayout.Approval[] memory approvals = _approvals(1, address(usdc), recipients, amounts, deadline);
        // Not even an approver holding valid approvals may submit: only a relayer.
        vm.expectRevert(abi.encodeWithSelector(SGERelayerRoles.SGERelayerUnauthorized.selector, approverA));
        vm.prank(approverA);
        payout.payBatch(1, address(usdc), recipients, amounts, deadline, approvals);
    }

    function test_RevertWhen_LengthsDiffer() public {
        (address[] memory recipients,) = _three();
        uint256[] memory amounts = new uint256[](2);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutLengthMismatch.selector, 3, 2));
        _payWith(1, address(usdc), recipients, amounts, block.timestamp, new SGEPayout.Approval[](2));
    }

    function test_RevertWhen_BatchIsEmpty() public {
        uint256 max = payout.PAY_BATCH_SIZE_MAX();
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidBatchSize.selector, 0, max));
        _payWith(1, address(usdc), new address[](0), new uint256[](0), block.timestamp, new SGEPayout.Approval[](2));
    }

    function test_RevertWhen_BatchIsTooLarge() public {
        uint256 max = payout.PAY_BATCH_SIZE_MAX();
        address[] memory recipients = new address[](max + 1);
        uint256[] memory amounts = new uint256[](max + 1);
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidBatchSize.selector, max + 1, max));
        _payWith(1, address(usdc), recipients, amounts, block.timestamp, new SGEPayout.Approval[](2));
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
        _expectPayRevert(
            abi.encodeWithSelector(SGEPayout.SGEPayoutInvalidRecipient.selector, 1, address(0)),
            1,
            address(usdc),
            recipients,
            amounts
        );
    }

    function test_RevertWhen_AnAmountIsZero() public {
        usdc.mint(address(payout), 100e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        amounts[2] = 0;
        _expectPayRevert(
            abi.encodeWithSelector(SGEPayout.SGEPayoutZeroAmount.selector, 2), 1, address(usdc), recipients, amounts
        );
    }

    function test_RevertWhen_TheTotalOverflows() public {
        (address[] memory recipients, uint256[] memory amounts) = _three();
        amounts[0] = type(uint256).max;
        // No digest exists for an overflowing total; the entries are checked before the signatures.
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        _payWith(1, address(usdc), recipients, amounts, block.timestamp, new SGEPayout.Approval[](2));
    }

    // ---------------------------------------------------------------- owner

    function test_OwnerSetsAndRemovesApprovers() public {
        vm.expectEmit(address(payout));
        emit ApproverSet(carol, true);
        vm.prank(owner);
        payout.setApprover(carol, true);
        assertTrue(payout.isApprover(carol), "added");

        vm.expectEmit(address(payout));
        emit ApproverSet(carol, false);
        vm.prank(owner);
        payout.setApprover(carol, false);
        assertFalse(payout.isApprover(carol), "removed");
    }

    function test_RevertWhen_NonOwnerSetsAnApprover() public {
        for (uint256 i; i < 3; ++i) {
            address caller = i == 0 ? relayer : i == 1 ? approverA : stranger;
            vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, caller));
            vm.prank(caller);
            payout.setApprover(caller, true);
        }
        assertFalse(payout.isApprover(relayer), "the relayer is no approver");
    }

    function test_RevertWhen_TheZeroAddressIsMadeAnApprover() public {
        vm.expectRevert(abi.encodeWithSelector(SGEPayout.SGEPayoutZeroAddress.selector, address(0)));
        vm.prank(owner);
        payout.setApprover(address(0), true);
    }

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

    function testFuzz_SkipsExactlyTheBlacklistedRecipients(uint256 seed, uint256 count, uint256 blacklistMask) public {
        count = bound(count, 1, 24);
        address[] memory recipients = new address[](count);
        uint256[] memory amounts = new uint256[](count);
        uint256 total;
        uint256 skipped;
        for (uint256 i; i < count; ++i) {
            recipients[i] = addressFrom(uint256(keccak256(abi.encode(seed, i))));
            amounts[i] = bound(uint256(keccak256(abi.encode(seed, i, "amount"))), 1, 1e12);
            total += amounts[i];
            if ((blacklistMask >> i) & 1 == 1) {
                usdc.blacklist(recipients[i]);
                skipped += amounts[i];
            }
        }
        usdc.mint(address(payout), total);
        _pay(seed, address(usdc), recipients, amounts);
        for (uint256 i; i < count; ++i) {
            assertEq(usdc.balanceOf(recipients[i]), (blacklistMask >> i) & 1 == 1 ? 0 : amounts[i], "recipient");
        }
        assertEq(usdc.balanceOf(address(payout)), skipped, "skipped amounts stay");
    }

    function testFuzz_RevertWhen_BatchIdIsReused(uint256 batchId) public {
        usdc.mint(address(payout), 120e6);
        (address[] memory recipients, uint256[] memory amounts) = _three();
        _pay(batchId, address(usdc), recipients, amounts);
        _expectPayRevert(
            abi.encodeWithSelector(SGEPayout.SGEPayoutBatchAlreadyPaid.selector, batchId),
            batchId,
            address(usdc),
            recipients,
            amounts
        );
    }
}

/// Invariants over random payout batches that reuse batch ids, run short of funds, include invalid
/// entries, carry too few approvals and pay blacklisted recipients.
contract SGEPayoutInvariantTest is SGETest {
    SGEPayoutHandler internal handler;

    function setUp() public {
        handler = new SGEPayoutHandler();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](3);
        selectors[0] = SGEPayoutHandler.payBatch.selector;
        selectors[1] = SGEPayoutHandler.fund.selector;
        selectors[2] = SGEPayoutHandler.setBlacklisted.selector;
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

    /// Total paid = sum of what paid batches actually paid = what recipients hold = funded - balance.
    function invariant_TotalPaidEqualsSumOfPaidBatches() public view {
        uint256 paid = handler.sumOfPaidBatchTotals();
        assertEq(handler.heldByRecipients(), paid, "recipients' holdings vs paid batch totals");
        assertEq(
            handler.usdc().balanceOf(address(handler.payout())), handler.funded() - paid, "balance = funded - paid"
        );
    }
}
