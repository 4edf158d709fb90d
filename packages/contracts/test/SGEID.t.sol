// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SGEID} from "../src/SGEID.sol";
import {SGERelayerRoles} from "../src/SGERelayerRoles.sol";
import {SGEIDHandler} from "./handlers/SGEIDHandler.sol";
import {SGETest, Vm} from "./utils/SGETest.sol";

contract SGEIDTest is SGETest {
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    event Locked(uint256 tokenId);
    event BaseURIUpdated(string baseURI);
    event RelayerGranted(address indexed account);
    event RelayerRevoked(address indexed account);

    SGEID internal sgeId;
    address internal owner = makeAddr("owner");
    address internal relayer = makeAddr("relayer");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    function setUp() public {
        sgeId = new SGEID(owner, relayer, "https://id.sge.example/");
    }

    function _mint(address account) internal returns (uint256) {
        vm.prank(relayer);
        return sgeId.mint(account);
    }

    function _mintBatch(address[] memory accounts) internal returns (uint256) {
        vm.prank(relayer);
        return sgeId.mintBatch(accounts);
    }

    function _list(address a, address b, address c) internal pure returns (address[] memory list) {
        list = new address[](3);
        list[0] = a;
        list[1] = b;
        list[2] = c;
    }

    // ---------------------------------------------------------------- mint

    function test_MintGivesTheWalletItsAddressAsTokenId() public {
        vm.warp(1_700_000_000);
        vm.expectEmit(address(sgeId));
        emit Transfer(address(0), alice, uint256(uint160(alice)));
        vm.expectEmit(address(sgeId));
        emit Locked(uint256(uint160(alice)));
        uint256 tokenId = _mint(alice);

        assertEq(tokenId, uint256(uint160(alice)), "token id is the wallet address");
        assertEq(sgeId.ownerOf(tokenId), alice, "ownerOf");
        assertEq(sgeId.balanceOf(alice), 1, "balanceOf");
        assertEq(sgeId.totalSupply(), 1, "totalSupply");
        assertTrue(sgeId.hasMinted(alice), "hasMinted");
        assertEq(sgeId.tokenOf(alice), tokenId, "tokenOf");
        assertTrue(sgeId.locked(tokenId), "locked");
        (uint64 serial, uint64 mintedAt) = sgeId.mintRecordOf(alice);
        assertEq(serial, 1, "serial");
        assertEq(mintedAt, 1_700_000_000, "mintedAt");
    }

    function test_WalletWithoutSGEIDHasNothing() public view {
        assertEq(sgeId.balanceOf(alice), 0, "balanceOf");
        assertFalse(sgeId.hasMinted(alice), "hasMinted");
        assertEq(sgeId.tokenOf(alice), 0, "tokenOf");
        (uint64 serial, uint64 mintedAt) = sgeId.mintRecordOf(alice);
        assertEq(serial, 0, "serial");
        assertEq(mintedAt, 0, "mintedAt");
        assertEq(sgeId.totalSupply(), 0, "totalSupply");
    }

    function test_SerialNumbersFollowMintOrder() public {
        _mint(alice);
        _mintBatch(_list(bob, alice, carol));
        (uint64 aliceSerial,) = sgeId.mintRecordOf(alice);
        (uint64 bobSerial,) = sgeId.mintRecordOf(bob);
        (uint64 carolSerial,) = sgeId.mintRecordOf(carol);
        assertEq(aliceSerial, 1, "alice first");
        assertEq(bobSerial, 2, "bob second");
        assertEq(carolSerial, 3, "carol third (alice skipped)");
    }

    function test_RevertWhen_MintingToAWalletThatHasOne() public {
        _mint(alice);
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDAlreadyMinted.selector, alice));
        _mint(alice);
        assertEq(sgeId.totalSupply(), 1, "supply unchanged");
    }

    function test_RevertWhen_MintingToTheZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDInvalidAccount.selector, address(0)));
        _mint(address(0));
    }

    function test_RevertWhen_NonRelayerMints() public {
        vm.expectRevert(abi.encodeWithSelector(SGERelayerRoles.SGERelayerUnauthorized.selector, owner));
        vm.prank(owner); // even the owner must grant itself the role first
        sgeId.mint(alice);

        vm.expectRevert(abi.encodeWithSelector(SGERelayerRoles.SGERelayerUnauthorized.selector, bob));
        vm.prank(bob);
        sgeId.mintBatch(_list(alice, bob, carol));
    }

    function testFuzz_MintGivesEachWalletItsAddressAsTokenId(address account, uint64 timestamp) public {
        vm.assume(account != address(0));
        vm.warp(timestamp);
        uint256 tokenId = _mint(account);
        assertEq(tokenId, uint256(uint160(account)), "token id");
        assertEq(sgeId.ownerOf(tokenId), account, "ownerOf");
        assertEq(sgeId.balanceOf(account), 1, "balanceOf");
        (, uint64 mintedAt) = sgeId.mintRecordOf(account);
        assertEq(mintedAt, timestamp, "mintedAt");
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDAlreadyMinted.selector, account));
        _mint(account);
    }

    function testFuzz_RevertWhen_NonRelayerMints(address caller, address account) public {
        vm.assume(caller != relayer);
        vm.expectRevert(abi.encodeWithSelector(SGERelayerRoles.SGERelayerUnauthorized.selector, caller));
        vm.prank(caller);
        sgeId.mint(account);
    }

    // ---------------------------------------------------------------- mintBatch

    function test_MintBatchSkipsWalletsThatAlreadyHoldOne() public {
        _mint(bob);
        address[] memory accounts = new address[](4);
        accounts[0] = alice;
        accounts[1] = bob; // already minted: skipped
        accounts[2] = alice; // duplicate within the batch: skipped
        accounts[3] = carol;

        vm.recordLogs();
        uint256 minted = _mintBatch(accounts);
        Vm.Log[] memory logs = vm.getRecordedLogs();

        assertEq(minted, 2, "minted count");
        assertEq(sgeId.totalSupply(), 3, "totalSupply");
        assertEq(sgeId.balanceOf(alice), 1, "alice");
        assertEq(sgeId.balanceOf(bob), 1, "bob");
        assertEq(sgeId.balanceOf(carol), 1, "carol");
        // Transfer + Locked for alice and carol only.
        assertEq(logs.length, 4, "log count");
        assertEq(logs[0].topics[0], Transfer.selector, "first log is Transfer");
        assertEq(logs[0].topics[2], bytes32(uint256(uint160(alice))), "Transfer to alice");
        assertEq(logs[1].topics[0], Locked.selector, "second log is Locked");
        assertEq(logs[2].topics[2], bytes32(uint256(uint160(carol))), "Transfer to carol");
    }

    function test_MintBatchRebroadcastMintsNothingAndDoesNotRevert() public {
        address[] memory accounts = _list(alice, bob, carol);
        assertEq(_mintBatch(accounts), 3, "first broadcast");
        vm.recordLogs();
        assertEq(_mintBatch(accounts), 0, "rebroadcast");
        assertEq(vm.getRecordedLogs().length, 0, "no events on rebroadcast");
        assertEq(sgeId.totalSupply(), 3, "totalSupply");
    }

    function test_MintBatchOfNothingIsANoOp() public {
        assertEq(_mintBatch(new address[](0)), 0, "minted");
        assertEq(sgeId.totalSupply(), 0, "totalSupply");
    }

    function test_RevertWhen_MintBatchContainsTheZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDInvalidAccount.selector, address(0)));
        _mintBatch(_list(alice, address(0), bob));
        assertEq(sgeId.totalSupply(), 0, "nothing minted");
        assertFalse(sgeId.hasMinted(alice), "alice rolled back");
    }

    function test_RevertWhen_MintBatchIsTooLarge() public {
        uint256 max = sgeId.MINT_BATCH_SIZE_MAX();
        address[] memory accounts = new address[](max + 1);
        for (uint256 i; i < accounts.length; ++i) {
            accounts[i] = addressFrom(i);
        }
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDBatchTooLarge.selector, max + 1, max));
        _mintBatch(accounts);
    }

    function test_MintBatchAcceptsTheMaximumSize() public {
        uint256 max = sgeId.MINT_BATCH_SIZE_MAX();
        address[] memory accounts = new address[](max);
        for (uint256 i; i < max; ++i) {
            accounts[i] = addressFrom(i);
        }
        assertEq(_mintBatch(accounts), max, "minted");
        assertEq(sgeId.totalSupply(), max, "totalSupply");
    }

    /// Builds a batch from a small pool (so duplicates and already-minted wallets are common) and checks
    /// it against a model: each distinct wallet not minted before is minted exactly once.
    function testFuzz_MintBatchMintsEachNewDistinctWalletOnce(uint256 seed, uint8 preMinted, uint8 size) public {
        uint256 poolSize = 12;
        preMinted = uint8(bound(preMinted, 0, poolSize));
        size = uint8(bound(size, 0, 40));
        for (uint256 i; i < preMinted; ++i) {
            _mint(addressFrom(i));
        }
        address[] memory accounts = new address[](size);
        bool[] memory willMint = new bool[](poolSize);
        uint256 expectedMinted;
        for (uint256 i; i < size; ++i) {
            uint256 pick = uint256(keccak256(abi.encode(seed, i))) % poolSize;
            accounts[i] = addressFrom(pick);
            if (pick >= preMinted && !willMint[pick]) {
                willMint[pick] = true;
                ++expectedMinted;
            }
        }
        assertEq(_mintBatch(accounts), expectedMinted, "minted");
        assertEq(sgeId.totalSupply(), preMinted + expectedMinted, "totalSupply");
        for (uint256 i; i < poolSize; ++i) {
            bool expected = i < preMinted || willMint[i];
            assertEq(sgeId.balanceOf(addressFrom(i)), expected ? 1 : 0, "balance of pool wallet");
        }
    }

    // ---------------------------------------------------------------- soulbound

    function test_RevertWhen_TransferringOrApproving() public {
        uint256 tokenId = _mint(alice);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDSoulbound.selector, tokenId));
        sgeId.transferFrom(alice, bob, tokenId);
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDSoulbound.selector, tokenId));
        sgeId.safeTransferFrom(alice, bob, tokenId);
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDSoulbound.selector, tokenId));
        sgeId.safeTransferFrom(alice, bob, tokenId, "");
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDSoulbound.selector, tokenId));
        sgeId.approve(bob, tokenId);
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDSoulboundOperator.selector, bob));
        sgeId.setApprovalForAll(bob, true);
        vm.stopPrank();
        assertEq(sgeId.ownerOf(tokenId), alice, "still alice's");
        assertEq(sgeId.getApproved(tokenId), address(0), "no approval");
        assertFalse(sgeId.isApprovedForAll(alice, bob), "no operator");
    }

    function testFuzz_RevertWhen_Transferring(address caller, address from, address to, uint256 tokenId) public {
        vm.prank(caller);
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDSoulbound.selector, tokenId));
        sgeId.transferFrom(from, to, tokenId);
    }

    // ---------------------------------------------------------------- reads

    function test_SupportsERC165ERC721MetadataAndERC5192() public view {
        assertTrue(sgeId.supportsInterface(0x01ffc9a7), "ERC-165");
        assertTrue(sgeId.supportsInterface(0x80ac58cd), "ERC-721");
        assertTrue(sgeId.supportsInterface(0x5b5e139f), "ERC-721 Metadata");
        assertTrue(sgeId.supportsInterface(0xb45a3c0e), "ERC-5192");
        assertFalse(sgeId.supportsInterface(0xffffffff), "ERC-165 invalid id");
        assertFalse(sgeId.supportsInterface(0x780e9d63), "not ERC-721 Enumerable");
    }

    function test_NameAndSymbol() public view {
        assertEq(sgeId.name(), "SGE-ID", "name");
        assertEq(sgeId.symbol(), "SGEID", "symbol");
    }

    function test_RevertWhen_QueryingATokenThatWasNotMinted() public {
        uint256 tokenId = uint256(uint160(alice));
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDNonexistentToken.selector, tokenId));
        sgeId.ownerOf(tokenId);
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDNonexistentToken.selector, tokenId));
        sgeId.tokenURI(tokenId);
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDNonexistentToken.selector, tokenId));
        sgeId.locked(tokenId);
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDNonexistentToken.selector, tokenId));
        sgeId.getApproved(tokenId);
    }

    function test_RevertWhen_TokenIdIsAboveTheAddressRange() public {
        _mint(alice);
        // The high bits would truncate to alice's address; the id must still be rejected.
        uint256 tokenId = uint256(uint160(alice)) | (uint256(1) << 160);
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDNonexistentToken.selector, tokenId));
        sgeId.ownerOf(tokenId);
    }

    function test_RevertWhen_BalanceOfTheZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(SGEID.SGEIDInvalidAccount.selector, address(0)));
        sgeId.balanceOf(address(0));
    }

    function test_TokenURIIsTheBaseURIFollowedByTheDecimalId() public {
        uint256 tokenId = _mint(alice);
        assertEq(sgeId.tokenURI(tokenId), string.concat("https://id.sge.example/", vm.toString(tokenId)), "tokenURI");
    }

    function test_OwnerSetsTheBaseURI() public {
        uint256 tokenId = _mint(alice);
        vm.expectEmit(address(sgeId));
        emit BaseURIUpdated("ipfs://cid/");
        vm.prank(owner);
        sgeId.setBaseURI("ipfs://cid/");
        assertEq(sgeId.tokenURI(tokenId), string.concat("ipfs://cid/", vm.toString(tokenId)), "new base");

        vm.prank(owner);
        sgeId.setBaseURI("");
        assertEq(sgeId.tokenURI(tokenId), "", "empty base gives empty URI");
    }

    function test_RevertWhen_NonOwnerSetsTheBaseURI() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, relayer));
        vm.prank(relayer);
        sgeId.setBaseURI("https://evil.example/");
    }

    // ---------------------------------------------------------------- relayer role

    function test_OwnerGrantsAndRevokesRelayers() public {
        assertTrue(sgeId.isRelayer(relayer), "initial relayer");
        vm.expectEmit(address(sgeId));
        emit RelayerGranted(bob);
        vm.prank(owner);
        sgeId.grantRelayer(bob);
        assertTrue(sgeId.isRelayer(bob), "granted");
        vm.prank(bob);
        sgeId.mint(alice);

        vm.expectEmit(address(sgeId));
        emit RelayerRevoked(bob);
        vm.prank(owner);
        sgeId.revokeRelayer(bob);
        assertFalse(sgeId.isRelayer(bob), "revoked");
        vm.expectRevert(abi.encodeWithSelector(SGERelayerRoles.SGERelayerUnauthorized.selector, bob));
        vm.prank(bob);
        sgeId.mint(carol);
    }

    function test_GrantingTwiceEmitsOnce() public {
        vm.recordLogs();
        vm.prank(owner);
        sgeId.grantRelayer(relayer);
        assertEq(vm.getRecordedLogs().length, 0, "no event for an existing relayer");
    }

    function test_RevertWhen_NonOwnerManagesRelayers() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, relayer));
        vm.prank(relayer);
        sgeId.grantRelayer(bob);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, relayer));
        vm.prank(relayer);
        sgeId.revokeRelayer(relayer);
    }

    function test_RevertWhen_GrantingTheZeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(SGERelayerRoles.SGERelayerInvalidAccount.selector, address(0)));
        vm.prank(owner);
        sgeId.grantRelayer(address(0));
    }

    function test_DeployingWithoutARelayerGrantsNone() public {
        SGEID bare = new SGEID(owner, address(0), "");
        assertFalse(bare.isRelayer(address(0)), "zero is no relayer");
        vm.expectRevert(abi.encodeWithSelector(SGERelayerRoles.SGERelayerUnauthorized.selector, relayer));
        vm.prank(relayer);
        bare.mint(alice);
    }
}

/// Invariants over random sequences of single and batch mints from a small pool of wallets.
contract SGEIDInvariantTest is SGETest {
    SGEID internal sgeId;
    SGEIDHandler internal handler;

    function setUp() public {
        sgeId = new SGEID(address(this), address(0), "");
        handler = new SGEIDHandler(sgeId);
        sgeId.grantRelayer(address(handler));
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](2);
        selectors[0] = SGEIDHandler.mint.selector;
        selectors[1] = SGEIDHandler.mintBatch.selector;
        targetSelector(address(handler), selectors);
    }

    /// totalSupply equals the number of distinct wallets ever minted to.
    function invariant_TotalSupplyEqualsDistinctMintedWallets() public view {
        assertEq(sgeId.totalSupply(), handler.distinctMinted(), "totalSupply vs distinct minted wallets");
    }

    /// No wallet ever holds two SGE-IDs; the balances add up to the supply and match the model.
    function invariant_NoWalletHoldsTwoSGEIDs() public view {
        (address[] memory accounts, bool[] memory minted) = handler.snapshot();
        uint256 sum;
        for (uint256 i; i < accounts.length; ++i) {
            uint256 balance = sgeId.balanceOf(accounts[i]);
            // Assertions run only on a mismatch: forge evaluates these checks after every call.
            if (balance > 1) assertLe(balance, 1, "balance above one");
            if ((balance == 1) != minted[i]) assertEq(balance == 1, minted[i], "balance vs model");
            if (balance == 1) {
                address holder = sgeId.ownerOf(uint256(uint160(accounts[i])));
                if (holder != accounts[i]) assertEq(holder, accounts[i], "ownerOf");
            }
            sum += balance;
        }
        assertEq(sum, sgeId.totalSupply(), "sum of balances vs totalSupply");
    }

    /// Serial numbers are a permutation of 1..totalSupply (each mint got its own).
    function invariant_SerialNumbersAreUniqueAndDense() public view {
        (address[] memory accounts,) = handler.snapshot();
        uint256 supply = sgeId.totalSupply();
        bool[] memory seen = new bool[](supply + 1);
        for (uint256 i; i < accounts.length; ++i) {
            (uint64 serial,) = sgeId.mintRecordOf(accounts[i]);
            if (serial == 0) continue;
            if (serial > supply) assertLe(serial, supply, "serial above supply");
            if (seen[serial]) assertFalse(seen[serial], "serial reused");
            seen[serial] = true;
        }
    }
}
