// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {AffiliateRegistry} from "../../src/AffiliateRegistry.sol";
import {SGETest} from "../utils/SGETest.sol";

/// @dev Invariant handler for AffiliateRegistry: the relayer. Records referrals between PEOPLE_COUNT
///      addresses; the model predicts self-referrals, repeated users and cycles, and the registry must
///      agree, error included.
contract AffiliateRegistryHandler is SGETest {
    uint256 public constant PEOPLE_COUNT = 10;

    AffiliateRegistry public immutable registry;
    mapping(address user => address affiliate) public firstAffiliate;

    constructor() {
        registry = new AffiliateRegistry(address(this), address(this));
    }

    function person(uint256 index) public pure returns (address) {
        return addressFrom(index % PEOPLE_COUNT);
    }

    function record(uint256 userSeed, uint256 affiliateSeed) external {
        address user = person(userSeed);
        address affiliate = person(affiliateSeed);

        bytes memory expectedError;
        if (user == affiliate) {
            expectedError = abi.encodeWithSelector(AffiliateRegistry.AffiliateRegistrySelfReferral.selector, user);
        } else if (firstAffiliate[user] != address(0)) {
            expectedError = abi.encodeWithSelector(
                AffiliateRegistry.AffiliateRegistryAlreadyReferred.selector, user, firstAffiliate[user]
            );
        } else if (_isAbove(user, affiliate)) {
            expectedError = abi.encodeWithSelector(AffiliateRegistry.AffiliateRegistryCycle.selector, user, affiliate);
        }

        try registry.recordReferral(user, affiliate) {
            require(expectedError.length == 0, "handler: referral recorded but the model expected a revert");
            firstAffiliate[user] = affiliate;
        } catch (bytes memory reason) {
            require(expectedError.length != 0, "handler: referral reverted but the model expected success");
            require(keccak256(reason) == keccak256(expectedError), "handler: referral reverted with another error");
        }
    }

    /// Whether `ancestor` is reached by following first affiliates up from `account`.
    function _isAbove(address ancestor, address account) private view returns (bool) {
        for (uint256 step; step < PEOPLE_COUNT; ++step) {
            account = firstAffiliate[account];
            if (account == address(0)) return false;
            if (account == ancestor) return true;
        }
        return false;
    }
}
