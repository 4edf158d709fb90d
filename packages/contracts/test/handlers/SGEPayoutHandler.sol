// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SGEPayout} from "../../src/SGEPayout.sol";
import {TestUSDC} from "../../src/TestUSDC.sol";
import {SGETest} from "../utils/SGETest.sol";

/// @dev Invariant handler for SGEPayout: the owner, the relayer, two approvers (keys signed with
///      vm.sign) and the token's blacklister. Pays batches with ids from a small range (so ids are
///      reused), recipients from a small pool of which some are blacklisted, sometimes with a zero
///      amount, sometimes with one approval only and sometimes beyond the funded balance. The outcome
///      of each call is predicted and must match, error and amount actually paid included.
contract SGEPayoutHandler is SGETest {
    uint256 public constant BATCH_ID_COUNT = 10;
    uint256 public constant RECIPIENT_COUNT = 20;
    uint256 public constant BATCH_SIZE_MAX = 12;
    uint256 public constant AMOUNT_MAX = 50e6;
    uint256 private constant APPROVER_A_KEY = uint256(keccak256("handler approver A"));
    uint256 private constant APPROVER_B_KEY = uint256(keccak256("handler approver B"));

    TestUSDC public immutable usdc;
    SGEPayout public immutable payout;

    mapping(uint256 batchId => uint256 count) public successfulPays;
    mapping(uint256 batchId => uint256 total) public paidTotal;
    uint256 public sumOfPaidBatchTotals;
    uint256 public funded;

    constructor() {
        usdc = new TestUSDC();
        payout = new SGEPayout(address(this), address(this));
        payout.setApprover(vm.addr(APPROVER_A_KEY), true);
        payout.setApprover(vm.addr(APPROVER_B_KEY), true);
        _fund(500e6);
    }

    function recipient(uint256 index) public pure returns (address) {
        return addressFrom(index % RECIPIENT_COUNT);
    }

    function fund(uint256 amount) external {
        _fund(bound(amount, 0, 300e6));
    }

    /// Blacklists or clears one recipient of the pool (as Circle may do at any time).
    function setBlacklisted(uint256 index, bool blacklisted) external {
        if (blacklisted) usdc.blacklist(recipient(index));
        else usdc.unBlacklist(recipient(index));
    }

    function payBatch(uint256 idSeed, uint256 size, uint256 amountSeed, uint256 zeroAt) external {
        uint256 batchId = idSeed % BATCH_ID_COUNT;
        size = bound(size, 1, BATCH_SIZE_MAX);
        address[] memory recipients = new address[](size);
        uint256[] memory amounts = new uint256[](size);
        uint256 total;
        for (uint256 i; i < size; ++i) {
            recipients[i] = recipient(uint256(keccak256(abi.encode(amountSeed, i, "recipient"))));
            amounts[i] = bound(uint256(keccak256(abi.encode(amountSeed, i, "amount"))), 1, AMOUNT_MAX);
            total += amounts[i];
        }
        // One call in eight carries a zero amount at a random position.
        bool withZero = zeroAt % 8 == 0;
        uint256 zeroIndex = (zeroAt / 8) % size;
        if (withZero) {
            total -= amounts[zeroIndex];
            amounts[zeroIndex] = 0;
        }
        // One call in eight carries only one approval.
        bool oneApproval = (zeroAt >> 128) % 8 == 0;
        uint256 deadline = block.timestamp + 1 hours;
        SGEPayout.Approval[] memory approvals = _approvals(batchId, recipients, amounts, deadline, oneApproval);

        bytes memory expectedError;
        uint256 available = usdc.balanceOf(address(payout));
        if (successfulPays[batchId] != 0) {
            expectedError = abi.encodeWithSelector(SGEPayout.SGEPayoutBatchAlreadyPaid.selector, batchId);
        } else if (oneApproval) {
            expectedError = abi.encodeWithSelector(SGEPayout.SGEPayoutNotEnoughApprovals.selector, 1, 2);
        } else if (withZero) {
            expectedError = abi.encodeWithSelector(SGEPayout.SGEPayoutZeroAmount.selector, zeroIndex);
        } else if (available < total) {
            expectedError = abi.encodeWithSelector(
                SGEPayout.SGEPayoutInsufficientBalance.selector, address(usdc), available, total
            );
        }
        // What a successful call pays: every entry whose recipient is not blacklisted.
        uint256 payable_;
        for (uint256 i; i < size; ++i) {
            if (!usdc.isBlacklisted(recipients[i])) payable_ += amounts[i];
        }

        try payout.payBatch(batchId, address(usdc), recipients, amounts, deadline, approvals) {
            require(expectedError.length == 0, "handler: payBatch succeeded but the model expected a revert");
            ++successfulPays[batchId];
            paidTotal[batchId] = payable_;
            sumOfPaidBatchTotals += payable_;
        } catch (bytes memory reason) {
            require(expectedError.length != 0, "handler: payBatch reverted but the model expected success");
            require(keccak256(reason) == keccak256(expectedError), "handler: payBatch reverted with another error");
        }
    }

    function heldByRecipients() external view returns (uint256 total) {
        for (uint256 i; i < RECIPIENT_COUNT; ++i) {
            total += usdc.balanceOf(recipient(i));
        }
    }

    /// Approvals by A and B (only A when `oneApproval`). A zero amount has a digest too (payBatchDigest
    /// does not validate), so a batch with one is refused for its entry, not its signatures.
    function _approvals(
        uint256 batchId,
        address[] memory recipients,
        uint256[] memory amounts,
        uint256 deadline,
        bool oneApproval
    ) private view returns (SGEPayout.Approval[] memory approvals) {
        bytes32 digest = payout.payBatchDigest(batchId, address(usdc), recipients, amounts, deadline);
        approvals = new SGEPayout.Approval[](oneApproval ? 1 : 2);
        approvals[0] = SGEPayout.Approval(vm.addr(APPROVER_A_KEY), signDigest(APPROVER_A_KEY, digest));
        if (!oneApproval) {
            approvals[1] = SGEPayout.Approval(vm.addr(APPROVER_B_KEY), signDigest(APPROVER_B_KEY, digest));
        }
    }

    function _fund(uint256 amount) private {
        usdc.mint(address(payout), amount);
        funded += amount;
    }
}
