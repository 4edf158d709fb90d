// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SGERelayerRoles} from "./SGERelayerRoles.sol";

/// @title AffiliateRegistry
/// @notice Optional on-chain record of referrals: which affiliate brought each user. The first
///         recorded affiliate of a user is final (first touch, locked); nobody refers themselves and
///         the referral graph stays a tree (no cycles) up to `CYCLE_CHECK_DEPTH_MAX` levels.
/// @dev The platform's database is the source of truth for commissions; this contract makes the
///      attribution public and tamper-evident. Only relayers record.
contract AffiliateRegistry is SGERelayerRoles {
    /// @notice Levels walked up from the affiliate when checking that a new referral closes no cycle.
    ///         Commission trees are far shallower; a deeper chain is not checked beyond this depth.
    uint256 public constant CYCLE_CHECK_DEPTH_MAX = 32;

    /// @notice Affiliate that referred `user`; zero when none was recorded.
    mapping(address user => address affiliate) public affiliateOf;
    /// @notice Number of users recorded as referred by `affiliate` (direct referrals only).
    mapping(address affiliate => uint256 count) public referralCount;
    /// @notice Number of referrals recorded.
    uint256 public totalReferrals;

    /// @notice `affiliate` referred `user`; recorded once per user.
    event ReferralRecorded(address indexed user, address indexed affiliate);

    /// @notice `user` is already attributed to `affiliate` (first touch is locked).
    error AffiliateRegistryAlreadyReferred(address user, address affiliate);
    /// @notice `user` tried to refer themselves.
    error AffiliateRegistrySelfReferral(address user);
    /// @notice `user` or `affiliate` is the zero address.
    error AffiliateRegistryZeroAddress(address user, address affiliate);
    /// @notice Recording `affiliate` for `user` would close a cycle (`user` is above `affiliate`).
    error AffiliateRegistryCycle(address user, address affiliate);

    /// @param initialOwner Owner: manages relayers.
    /// @param initialRelayer Relayer allowed to record from the start (zero for none).
    constructor(address initialOwner, address initialRelayer) SGERelayerRoles(initialOwner, initialRelayer) {}

    /// @notice Records that `affiliate` referred `user`.
    function recordReferral(address user, address affiliate) external onlyRelayer {
        if (user == address(0) || affiliate == address(0)) revert AffiliateRegistryZeroAddress(user, affiliate);
        if (user == affiliate) revert AffiliateRegistrySelfReferral(user);
        address existing = affiliateOf[user];
        if (existing != address(0)) revert AffiliateRegistryAlreadyReferred(user, existing);
        address ancestor = affiliateOf[affiliate];
        for (uint256 depth; depth < CYCLE_CHECK_DEPTH_MAX && ancestor != address(0);) {
            if (ancestor == user) revert AffiliateRegistryCycle(user, affiliate);
            ancestor = affiliateOf[ancestor];
            // Cannot overflow: depth < CYCLE_CHECK_DEPTH_MAX.
            unchecked {
                ++depth;
            }
        }
        affiliateOf[user] = affiliate;
        // Cannot overflow: each user is counted once, and there are fewer than 2^160 users.
        unchecked {
            ++referralCount[affiliate];
            ++totalReferrals;
        }
        emit ReferralRecorded(user, affiliate);
    }

    /// @notice Whether `user` has a recorded affiliate.
    function isReferred(address user) external view returns (bool) {
        return affiliateOf[user] != address(0);
    }
}
