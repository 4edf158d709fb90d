// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SGEClaim} from "../../src/SGEClaim.sol";
import {SGEID} from "../../src/SGEID.sol";
import {SGEToken} from "../../src/SGEToken.sol";
import {TestUSDC} from "../../src/TestUSDC.sol";
import {TestUSDT} from "../../src/TestUSDT.sol";
import {SGETest} from "../utils/SGETest.sol";

/// @dev Invariant handler for SGEClaim. Owns the claim contract and the SGE token, is the SGE-ID
///      relayer, and drives ACTOR_COUNT wallets. Each claim's outcome is predicted from a model (already
///      claimed, no SGE-ID, vault short, or success) and the contract must agree, including the error.
contract SGEClaimHandler is SGETest {
    uint256 public constant ACTOR_COUNT = 8;

    uint256 public immutable fee;
    uint256 public immutable amount;
    TestUSDC public immutable usdc;
    TestUSDT public immutable usdt;
    SGEToken public immutable sge;
    SGEID public immutable sgeId;
    SGEClaim public immutable claim_;
    address public immutable treasuryA = addressFrom(1_000);
    address public immutable treasuryB = addressFrom(1_001);
    address public immutable withdrawSink = addressFrom(1_002);

    uint256 public successfulClaims;
    uint256 public vaultFunded;
    uint256 public vaultWithdrawn;

    constructor(uint256 fee_, uint256 amount_) {
        fee = fee_;
        amount = amount_;
        usdc = new TestUSDC();
        usdt = new TestUSDT();
        sge = new SGEToken(address(this));
        sgeId = new SGEID(address(this), address(this), "");
        claim_ = new SGEClaim(
            address(this), address(sgeId), address(usdc), address(usdt), address(sge), treasuryA, fee_, amount_
        );
        // Enough for three claims, so the vault runs dry unless topped up.
        _fund(3 * amount_);
    }

    function actor(uint256 index) public pure returns (address) {
        return addressFrom(index % ACTOR_COUNT);
    }

    function register(uint256 actorSeed) external {
        address account = actor(actorSeed);
        if (!sgeId.hasMinted(account)) sgeId.mint(account);
    }

    function claim(uint256 actorSeed, bool withUsdt) external {
        address account = actor(actorSeed);
        _preparePayment(account, withUsdt);

        bytes memory expectedError;
        uint256 vault = sge.balanceOf(address(claim_));
        if (claim_.hasClaimed(account)) {
            expectedError = abi.encodeWithSelector(SGEClaim.SGEClaimAlreadyClaimed.selector, account);
        } else if (!sgeId.hasMinted(account)) {
            expectedError = abi.encodeWithSelector(SGEClaim.SGEClaimSGEIDRequired.selector, account);
        } else if (vault < amount) {
            expectedError = abi.encodeWithSelector(SGEClaim.SGEClaimInsufficientVault.selector, vault, amount);
        }

        vm.prank(account);
        if (withUsdt) {
            try claim_.claimWithUSDT() {
                _succeeded(expectedError);
            } catch (bytes memory reason) {
                _failed(expectedError, reason);
            }
        } else {
            try claim_.claimWithUSDC() {
                _succeeded(expectedError);
            } catch (bytes memory reason) {
                _failed(expectedError, reason);
            }
        }
    }

    function fundVault(uint256 value) external {
        _fund(bound(value, 0, 5 * amount));
    }

    function withdrawLeftover(uint256 value) external {
        value = bound(value, 0, sge.balanceOf(address(claim_)));
        claim_.withdraw(address(sge), withdrawSink, value);
        vaultWithdrawn += value;
    }

    function switchTreasury() external {
        claim_.setTreasury(claim_.treasury() == treasuryA ? treasuryB : treasuryA);
    }

    /// SGE held by all actors (they receive SGE only from claims).
    function sgeHeldByActors() external view returns (uint256 total) {
        for (uint256 i; i < ACTOR_COUNT; ++i) {
            total += sge.balanceOf(actor(i));
        }
    }

    /// USDC and USDT held by both treasuries (they receive stablecoins only as claim fees).
    function feesHeldByTreasuries() external view returns (uint256) {
        return
            usdc.balanceOf(treasuryA) + usdc.balanceOf(treasuryB) + usdt.balanceOf(treasuryA)
                + usdt.balanceOf(treasuryB);
    }

    function _fund(uint256 value) private {
        sge.mint(address(claim_), value);
        vaultFunded += value;
    }

    /// Gives `account` the fee and an allowance of at least the fee, the USDT way (reset to 0 first).
    function _preparePayment(address account, bool withUsdt) private {
        if (withUsdt) {
            if (usdt.balanceOf(account) < fee) usdt.mint(account, fee);
            uint256 allowed = usdt.allowance(account, address(claim_));
            if (allowed >= fee) return;
            vm.startPrank(account);
            if (allowed != 0) usdt.approve(address(claim_), 0);
            usdt.approve(address(claim_), fee);
            vm.stopPrank();
        } else {
            if (usdc.balanceOf(account) < fee) usdc.mint(account, fee);
            vm.prank(account);
            usdc.approve(address(claim_), fee);
        }
    }

    function _succeeded(bytes memory expectedError) private {
        require(expectedError.length == 0, "handler: claim succeeded but the model expected a revert");
        ++successfulClaims;
    }

    function _failed(bytes memory expectedError, bytes memory reason) private pure {
        require(expectedError.length != 0, "handler: claim reverted but the model expected success");
        require(keccak256(reason) == keccak256(expectedError), "handler: claim reverted with another error");
    }
}
