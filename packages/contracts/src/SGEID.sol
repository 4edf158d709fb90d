// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {SGERelayerRoles} from "./SGERelayerRoles.sol";

/// @title SGEID
/// @notice The SGE identity token: at most one non-transferable (ERC-5192 soulbound) ERC-721 token per
///         wallet, minted by the platform's relayer so that users pay no gas.
/// @dev Gas design (see packages/contracts/README.md for the measured figures):
///      - The token id of a wallet is `uint256(uint160(wallet))`, so `ownerOf` derives the owner from
///        the id and a mint writes ONE new storage slot: the wallet's packed record.
///      - The record packs the wallet's serial number (1-based mint order) and mint timestamp; a
///        non-zero record means "minted", so it doubles as the balance.
///      - `totalSupply` is written once per batch, and is stored plus one so that its slot never goes
///        from zero to non-zero on a mint (that would cost the first mint 17,100 gas more).
///      - Tokens never move, so there is no approval or owner storage at all.
contract SGEID is SGERelayerRoles {
    /// @notice Most accounts accepted by one `mintBatch` call (about 26,000 gas each, so a full batch
    ///         stays near 13M gas, under the 16.7M per-transaction cap of EIP-7825).
    uint256 public constant MINT_BATCH_SIZE_MAX = 500;

    /// @dev Record layout: bits 0..63 serial number (>= 1, so a minted record is never zero),
    ///      bits 64..127 block timestamp of the mint. Neither field can outgrow its 64 bits: 2^64 mints
    ///      would cost more gas than all blocks ever produced, and timestamps stay below 2^64 seconds.
    uint256 private constant _SERIAL_MASK = type(uint64).max;
    uint256 private constant _MINTED_AT_SHIFT = 64;

    /// @notice Packed mint record of each wallet; zero when the wallet holds no SGE-ID.
    mapping(address account => uint256 record) private _records;

    /// @dev `totalSupply() + 1`; starts at 1 in the constructor (see the contract's gas notes).
    uint256 private _totalSupplyPlusOne = 1;

    /// @dev Prefix of every token URI; the token id in decimal is appended.
    string private _baseTokenURI;

    /// @notice ERC-721: emitted on every mint with `from == address(0)`; never emitted otherwise.
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    /// @notice ERC-721 event, declared for interface completeness; never emitted (approvals are disabled).
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);
    /// @notice ERC-721 event, declared for interface completeness; never emitted (approvals are disabled).
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);
    /// @notice ERC-5192: the token became non-transferable; emitted on every mint.
    event Locked(uint256 tokenId);
    /// @notice The owner changed the base URI.
    event BaseURIUpdated(string baseURI);

    /// @notice `account` already holds an SGE-ID.
    error SGEIDAlreadyMinted(address account);
    /// @notice `account` cannot hold an SGE-ID (the zero address).
    error SGEIDInvalidAccount(address account);
    /// @notice No SGE-ID has the id `tokenId`.
    error SGEIDNonexistentToken(uint256 tokenId);
    /// @notice SGE-IDs are soulbound: `tokenId` cannot be transferred or approved.
    error SGEIDSoulbound(uint256 tokenId);
    /// @notice SGE-IDs are soulbound: no operator (`operator`) can be approved.
    error SGEIDSoulboundOperator(address operator);
    /// @notice `size` accounts exceed the `max` accepted by one `mintBatch`.
    error SGEIDBatchTooLarge(uint256 size, uint256 max);

    /// @param initialOwner Owner: manages relayers and the base URI.
    /// @param initialRelayer Relayer allowed to mint from the start (zero for none).
    /// @param baseURI Initial base URI (may be empty, then `tokenURI` returns "").
    constructor(address initialOwner, address initialRelayer, string memory baseURI)
        SGERelayerRoles(initialOwner, initialRelayer)
    {
        _baseTokenURI = baseURI;
    }

    // ------------------------------------------------------------------------------------------
    // Minting (relayer only)
    // ------------------------------------------------------------------------------------------

    /// @notice Mints the SGE-ID of `account`; reverts `SGEIDAlreadyMinted(account)` if it has one.
    /// @return tokenId The new token's id, `uint256(uint160(account))`.
    function mint(address account) external onlyRelayer returns (uint256 tokenId) {
        if (account == address(0)) revert SGEIDInvalidAccount(account);
        if (_records[account] != 0) revert SGEIDAlreadyMinted(account);
        uint256 supplyPlusOne = _totalSupplyPlusOne;
        _records[account] = _packRecord(supplyPlusOne);
        // Cannot overflow: the supply is bounded by the number of addresses (< 2^160).
        unchecked {
            _totalSupplyPlusOne = supplyPlusOne + 1;
        }
        tokenId = uint256(uint160(account));
        emit Transfer(address(0), account, tokenId);
        emit Locked(tokenId);
    }

    /// @notice Mints an SGE-ID to every account of `accounts` that has none yet. Accounts that already
    ///         hold one (including a duplicate later in the same batch) are SKIPPED, not reverted, so a
    ///         rebroadcast or retried batch succeeds and mints only what is missing.
    /// @dev Reverts `SGEIDInvalidAccount(address(0))` on the zero address (a caller bug, not a retry).
    /// @return minted Number of SGE-IDs actually minted.
    function mintBatch(address[] calldata accounts) external onlyRelayer returns (uint256 minted) {
        uint256 count = accounts.length;
        if (count > MINT_BATCH_SIZE_MAX) revert SGEIDBatchTooLarge(count, MINT_BATCH_SIZE_MAX);
        uint256 startPlusOne = _totalSupplyPlusOne;
        uint256 supplyPlusOne = startPlusOne;
        uint256 mintedAt = block.timestamp << _MINTED_AT_SHIFT;
        // Cannot overflow: i < count <= MINT_BATCH_SIZE_MAX and the supply is < 2^160.
        unchecked {
            for (uint256 i; i < count; ++i) {
                address account = accounts[i];
                if (account == address(0)) revert SGEIDInvalidAccount(account);
                if (_records[account] != 0) continue;
                // The serial number is the supply after this mint, i.e. the current `supplyPlusOne`.
                _records[account] = mintedAt | supplyPlusOne;
                ++supplyPlusOne;
                uint256 tokenId = uint256(uint160(account));
                emit Transfer(address(0), account, tokenId);
                emit Locked(tokenId);
            }
            minted = supplyPlusOne - startPlusOne;
        }
        if (minted != 0) _totalSupplyPlusOne = supplyPlusOne;
    }

    // ------------------------------------------------------------------------------------------
    // Owner settings
    // ------------------------------------------------------------------------------------------

    /// @notice Sets the prefix of every token URI (token id in decimal is appended).
    function setBaseURI(string calldata baseURI) external onlyOwner {
        _baseTokenURI = baseURI;
        emit BaseURIUpdated(baseURI);
    }

    // ------------------------------------------------------------------------------------------
    // Helpers for the platform
    // ------------------------------------------------------------------------------------------

    /// @notice Number of SGE-IDs minted (tokens are never burned).
    function totalSupply() external view returns (uint256) {
        // Cannot underflow: the stored value starts at 1 and only grows.
        unchecked {
            return _totalSupplyPlusOne - 1;
        }
    }

    /// @notice Whether `account` holds an SGE-ID.
    function hasMinted(address account) external view returns (bool) {
        return _records[account] != 0;
    }

    /// @notice Token id held by `account`, or 0 when it holds none.
    function tokenOf(address account) external view returns (uint256) {
        return _records[account] == 0 ? 0 : uint256(uint160(account));
    }

    /// @notice Mint record of `account`: its serial number (1 = first SGE-ID ever minted) and the block
    ///         timestamp of the mint; both zero when it holds none.
    function mintRecordOf(address account) external view returns (uint64 serial, uint64 mintedAt) {
        uint256 record = _records[account];
        // casting to 'uint64' is safe because the mask keeps exactly the low 64 bits.
        // forge-lint: disable-next-line(unsafe-typecast)
        serial = uint64(record & _SERIAL_MASK);
        // casting to 'uint64' is safe because only a block timestamp (< 2^64) is stored above bit 64.
        // forge-lint: disable-next-line(unsafe-typecast)
        mintedAt = uint64(record >> _MINTED_AT_SHIFT);
    }

    // ------------------------------------------------------------------------------------------
    // ERC-721 / ERC-721 Metadata / ERC-5192 / ERC-165 reads
    // ------------------------------------------------------------------------------------------

    /// @notice ERC-721 metadata name.
    function name() external pure returns (string memory) {
        return "SGE-ID";
    }

    /// @notice ERC-721 metadata symbol.
    function symbol() external pure returns (string memory) {
        return "SGEID";
    }

    /// @notice ERC-721: 1 when `owner` holds an SGE-ID, else 0. Reverts for the zero address.
    function balanceOf(address owner) external view returns (uint256) {
        if (owner == address(0)) revert SGEIDInvalidAccount(owner);
        return _records[owner] == 0 ? 0 : 1;
    }

    /// @notice ERC-721: the holder of `tokenId`; reverts `SGEIDNonexistentToken` when not minted.
    function ownerOf(uint256 tokenId) public view returns (address) {
        if (tokenId > type(uint160).max) revert SGEIDNonexistentToken(tokenId);
        // casting to 'uint160' is safe because ids above type(uint160).max were rejected just above.
        // forge-lint: disable-next-line(unsafe-typecast)
        address owner = address(uint160(tokenId));
        if (_records[owner] == 0) revert SGEIDNonexistentToken(tokenId);
        return owner;
    }

    /// @notice ERC-721 metadata: base URI followed by the token id in decimal ("" without a base URI).
    function tokenURI(uint256 tokenId) external view returns (string memory) {
        ownerOf(tokenId);
        string memory base = _baseTokenURI;
        return bytes(base).length == 0 ? "" : string.concat(base, Strings.toString(tokenId));
    }

    /// @notice ERC-5192: every existing SGE-ID is locked; reverts for an id that was not minted.
    function locked(uint256 tokenId) external view returns (bool) {
        ownerOf(tokenId);
        return true;
    }

    /// @notice ERC-721: always the zero address (approvals are disabled); reverts when not minted.
    function getApproved(uint256 tokenId) external view returns (address) {
        ownerOf(tokenId);
        return address(0);
    }

    /// @notice ERC-721: always false (approvals are disabled).
    function isApprovedForAll(address, address) external pure returns (bool) {
        return false;
    }

    /// @notice ERC-165: ERC-165, ERC-721, ERC-721 Metadata and ERC-5192.
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == 0x01ffc9a7 // ERC-165
            || interfaceId == 0x80ac58cd // ERC-721
            || interfaceId == 0x5b5e139f // ERC-721 Metadata
            || interfaceId == 0xb45a3c0e; // ERC-5192
    }

    // ------------------------------------------------------------------------------------------
    // ERC-721 writes: all disabled (soulbound)
    // ------------------------------------------------------------------------------------------

    /// @notice Always reverts `SGEIDSoulbound(tokenId)`.
    function transferFrom(address, address, uint256 tokenId) external pure {
        revert SGEIDSoulbound(tokenId);
    }

    /// @notice Always reverts `SGEIDSoulbound(tokenId)`.
    function safeTransferFrom(address, address, uint256 tokenId) external pure {
        revert SGEIDSoulbound(tokenId);
    }

    /// @notice Always reverts `SGEIDSoulbound(tokenId)`.
    function safeTransferFrom(address, address, uint256 tokenId, bytes calldata) external pure {
        revert SGEIDSoulbound(tokenId);
    }

    /// @notice Always reverts `SGEIDSoulbound(tokenId)`.
    function approve(address, uint256 tokenId) external pure {
        revert SGEIDSoulbound(tokenId);
    }

    /// @notice Always reverts `SGEIDSoulboundOperator(operator)`.
    function setApprovalForAll(address operator, bool) external pure {
        revert SGEIDSoulboundOperator(operator);
    }

    /// @dev Record of a single mint whose serial number is `serial`.
    function _packRecord(uint256 serial) private view returns (uint256) {
        return (block.timestamp << _MINTED_AT_SHIFT) | serial;
    }
}
