// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SGEPayout} from "../../src/SGEPayout.sol";
import {TestUSDC} from "../../src/TestUSDC.sol";
import {SGETest} from "../utils/SGETest.sol";

/// @dev Invariant handler for SGEPayout: the relayer and owner. Pays batches with ids from a small range
///      (so ids are reused), recipients from a small pool, sometimes with a zero amount and sometimes
///      beyond the funded balance. The outcome of each call is predicted and must match, error included.
contract SGEPayoutHandler is SGETest {
    uint256 public constant BATCH_ID_COUNT = 10;
    uint256 public constant RECIPIENT_COUNT = 20;
    uint256 public constant BATCH_SIZE_MAX = 12;
    uint256 public constant AMOUNT_MAX = 50e6;

    TestUSDC public immutable usdc;
    SGEPayout public immutable payout;

    mapping(uint256 batchId => uint256 count) public successfulPays;
    mapping(uint256 batchId => uint256 total) public paidTotal;
    uint256 public sumOfPaidBatchTotals;
    uint256 public funded;

    constructor() {
        usdc = new TestUSDC();
        payout = new SGEPayout(address(this), address(this));
        _fund(500e6);
    }

    function recipient(uint256 index) public pure returns (address) {
        return addressFrom(index % RECIPIENT_COUNT);
    }

    function fund(uint256 amount) external {
        _fund(bound(amount, 0, 300e6));
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

        bytes memory expectedError;
        uint256 available = usdc.balanceOf(address(payout));
        if (successfulPays[batchId] != 0) {
            expectedError = abi.encodeWithSelector(SGEPayout.SGEPayoutBatchAlreadyPaid.selector, batchId);
        } else if (withZero) {
            expectedError = abi.encodeWithSelector(SGEPayout.SGEPayoutZeroAmount.selector, zeroIndex);
        } else if (available < total) {
            expectedError = abi.encodeWithSelector(
                SGEPayout.SGEPayoutInsufficientBalance.selector, address(usdc), available, total
            );
        }

        try payout.payBatch(batchId, address(usdc), recipients, amounts) {
            require(expectedError.length == 0, "handler: payBatch succeeded but the model expected a revert");
            ++successfulPays[batchId];
            paidTotal[batchId] = total;
            sumOfPaidBatchTotals += total;
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

    function _fund(uint256 amount) private {
        usdc.mint(address(payout), amount);
        funded += amount;
    }
}
