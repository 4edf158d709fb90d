// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SGEID} from "../../src/SGEID.sol";
import {SGETest} from "../utils/SGETest.sol";

/// @dev Invariant handler: the only relayer of `sgeId`. Mints singly and in batches from a pool of
///      POOL_SIZE wallets so repeats are frequent, and keeps a model of who holds an SGE-ID. A single
///      mint to a wallet that holds one must revert `SGEIDAlreadyMinted`; a batch must skip it.
contract SGEIDHandler is SGETest {
    uint256 public constant POOL_SIZE = 16;
    uint256 public constant BATCH_SIZE_MAX = 16;

    SGEID public immutable sgeId;
    mapping(address account => bool minted) public isMinted;
    uint256 public distinctMinted;
    uint256 public rejectedSingleMints;
    uint256 public skippedBatchEntries;

    constructor(SGEID sgeId_) {
        sgeId = sgeId_;
    }

    function poolAccount(uint256 index) public pure returns (address) {
        return addressFrom(index % POOL_SIZE);
    }

    /// The pool and the model in one call (keeps the invariant checks cheap).
    function snapshot() external view returns (address[] memory accounts, bool[] memory minted) {
        accounts = new address[](POOL_SIZE);
        minted = new bool[](POOL_SIZE);
        for (uint256 i; i < POOL_SIZE; ++i) {
            accounts[i] = poolAccount(i);
            minted[i] = isMinted[accounts[i]];
        }
    }

    function mint(uint256 seed) external {
        address account = poolAccount(seed);
        if (isMinted[account]) {
            try sgeId.mint(account) {
                revert("handler: second mint to the same wallet succeeded");
            } catch (bytes memory reason) {
                require(
                    keccak256(reason) == keccak256(abi.encodeWithSelector(SGEID.SGEIDAlreadyMinted.selector, account)),
                    "handler: unexpected revert reason"
                );
                ++rejectedSingleMints;
            }
            return;
        }
        uint256 tokenId = sgeId.mint(account);
        require(tokenId == uint256(uint160(account)), "handler: token id");
        isMinted[account] = true;
        ++distinctMinted;
    }

    function mintBatch(uint256 seed, uint256 size) external {
        size = bound(size, 0, BATCH_SIZE_MAX);
        address[] memory accounts = new address[](size);
        uint256 expected;
        for (uint256 i; i < size; ++i) {
            address account = poolAccount(uint256(keccak256(abi.encode(seed, i))));
            accounts[i] = account;
            if (isMinted[account]) {
                ++skippedBatchEntries;
            } else {
                isMinted[account] = true; // later duplicates in this batch are skipped too
                ++expected;
            }
        }
        uint256 minted = sgeId.mintBatch(accounts);
        require(minted == expected, "handler: batch minted count differs from the model");
        distinctMinted += minted;
    }
}
