// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SGEClaim} from "../src/SGEClaim.sol";
import {SGEID} from "../src/SGEID.sol";
import {SGEToken} from "../src/SGEToken.sol";
import {TestUSDC} from "../src/TestUSDC.sol";
import {TestUSDT} from "../src/TestUSDT.sol";
import {SGETest} from "./utils/SGETest.sol";

/// @dev Gasless claims (EIP-3009 ReceiveWithAuthorization of TestUSDC) and the tokens' real-world behaviour:
///      USDC's permit and authorizations with FiatTokenV2_2's domain and reverts, USDT's fee and blacklist.
contract GaslessClaimTest is SGETest {
    event Claimed(address indexed account, address indexed paymentToken, uint256 fee, uint256 amount);
    event ClaimRelayed(address indexed account, bytes32 indexed nonce, address indexed relayer, uint256 relayFee);
    event ClaimSkipped(address indexed account, bytes32 indexed nonce, bytes reason);

    uint256 internal constant FEE = 100_000_000;
    uint256 internal constant RELAY_FEE = 250_000; // 0.25 USDC
    uint256 internal constant AMOUNT = 1_000e18;

    TestUSDC internal usdc;
    TestUSDT internal usdt;
    SGEToken internal sge;
    SGEID internal sgeId;
    SGEClaim internal claim;
    address internal owner = makeAddr("owner");
    address internal minter = makeAddr("minter");
    address internal treasury = makeAddr("treasury");
    address internal relayer = makeAddr("relayer");
    uint256 internal aliceKey = 0xA11CE;
    uint256 internal bobKey = 0xB0B;
    address internal alice;
    address internal bob;

    function setUp() public {
        alice = vm.addr(aliceKey);
        bob = vm.addr(bobKey);
        usdc = new TestUSDC();
        usdt = new TestUSDT();
        sge = new SGEToken(address(this));
        sgeId = new SGEID(owner, minter, "");
        claim = new SGEClaim(owner, address(sgeId), address(usdc), address(usdt), address(sge), treasury, FEE, AMOUNT);
        sge.mint(address(claim), 10 * AMOUNT);
        vm.warp(1_000_000);
    }

    function _register(address account) internal {
        vm.prank(minter);
        sgeId.mint(account);
    }

    function _digest(bytes32 structHash) internal view returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", usdc.DOMAIN_SEPARATOR(), structHash));
    }

    function _authorize(uint256 key, uint256 value, bytes32 nonce) internal view returns (SGEClaim.ClaimAuthorization memory auth) {
        address from = vm.addr(key);
        bytes32 structHash = keccak256(
            abi.encode(usdc.RECEIVE_WITH_AUTHORIZATION_TYPEHASH(), from, address(claim), value, 0, block.timestamp + 3600, nonce)
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, _digest(structHash));
        auth = SGEClaim.ClaimAuthorization(from, value, 0, block.timestamp + 3600, nonce, v, r, s);
    }

    function _error(string memory message) internal pure returns (bytes memory) {
        return abi.encodeWithSignature("Error(string)", message);
    }

    // ---------------------------------------------------------------- USDC: domain, permit, EIP-3009

    function test_TheDomainIsUSDCs() public view {
        bytes32 expected = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("USD Coin"),
                keccak256("2"),
                block.chainid,
                address(usdc)
            )
        );
        assertEq(usdc.DOMAIN_SEPARATOR(), expected, "FiatTokenV2_2 domain");
    }

    function test_PermitSetsTheAllowanceOnceAndExpires() public {
        bytes32 structHash = keccak256(abi.encode(usdc.PERMIT_TYPEHASH(), alice, bob, 5e6, 0, block.timestamp));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _digest(structHash));
        usdc.permit(alice, bob, 5e6, block.timestamp, v, r, s);
        assertEq(usdc.allowance(alice, bob), 5e6, "allowance");
        assertEq(usdc.nonces(alice), 1, "nonce used");
        vm.expectRevert(_error("EIP2612: invalid signature"));
        usdc.permit(alice, bob, 5e6, block.timestamp, v, r, s); // replay: the nonce moved on
        vm.warp(block.timestamp + 1);
        vm.expectRevert(_error("FiatTokenV2: permit is expired"));
        usdc.permit(alice, bob, 5e6, block.timestamp - 1, v, r, s);
    }

    function test_TransferWithAuthorizationIsUsedOnce() public {
        usdc.mint(alice, 10e6);
        bytes32 nonce = keccak256("n1");
        bytes32 structHash = keccak256(
            abi.encode(usdc.TRANSFER_WITH_AUTHORIZATION_TYPEHASH(), alice, bob, 3e6, 0, block.timestamp + 10, nonce)
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _digest(structHash));
        usdc.transferWithAuthorization(alice, bob, 3e6, 0, block.timestamp + 10, nonce, v, r, s);
        assertEq(usdc.balanceOf(bob), 3e6, "bob received");
        assertTrue(usdc.authorizationState(alice, nonce), "nonce used");
        vm.expectRevert(_error("FiatTokenV2: authorization is used or canceled"));
        usdc.transferWithAuthorization(alice, bob, 3e6, 0, block.timestamp + 10, nonce, v, r, s);
    }

    function test_RevertWhen_AnAuthorizationIsEarlyLateForgedOrNotForTheCaller() public {
        usdc.mint(alice, 10e6);
        bytes32 nonce = keccak256("n2");
        uint256 validAfter = block.timestamp + 5;
        bytes32 structHash = keccak256(
            abi.encode(usdc.RECEIVE_WITH_AUTHORIZATION_TYPEHASH(), alice, bob, 1e6, validAfter, validAfter + 10, nonce)
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _digest(structHash));
        vm.expectRevert(_error("FiatTokenV2: caller must be the payee"));
        usdc.receiveWithAuthorization(alice, bob, 1e6, validAfter, validAfter + 10, nonce, v, r, s);
        vm.startPrank(bob);
        vm.expectRevert(_error("FiatTokenV2: authorization is not yet valid"));
        usdc.receiveWithAuthorization(alice, bob, 1e6, validAfter, validAfter + 10, nonce, v, r, s);
        vm.warp(validAfter + 10);
        vm.expectRevert(_error("FiatTokenV2: authorization is expired"));
        usdc.receiveWithAuthorization(alice, bob, 1e6, validAfter, validAfter + 10, nonce, v, r, s);
        vm.warp(validAfter + 1);
        vm.expectRevert(_error("FiatTokenV2: invalid signature"));
        usdc.receiveWithAuthorization(alice, bob, 2e6, validAfter, validAfter + 10, nonce, v, r, s);
        usdc.receiveWithAuthorization(alice, bob, 1e6, validAfter, validAfter + 10, nonce, v, r, s);
        vm.stopPrank();
        assertEq(usdc.balanceOf(bob), 1e6, "received once");
    }

    function test_ACancelledAuthorizationCannotBeUsed() public {
        usdc.mint(alice, 10e6);
        bytes32 nonce = keccak256("n3");
        (uint8 cv, bytes32 cr, bytes32 cs) =
            vm.sign(aliceKey, _digest(keccak256(abi.encode(usdc.CANCEL_AUTHORIZATION_TYPEHASH(), alice, nonce))));
        usdc.cancelAuthorization(alice, nonce, cv, cr, cs);
        SGEClaim.ClaimAuthorization memory auth = _authorize(aliceKey, FEE, nonce);
        _register(alice);
        usdc.mint(alice, FEE);
        vm.expectRevert(_error("FiatTokenV2: authorization is used or canceled"));
        claim.claimWithAuthorization(auth);
    }

    function test_RevertWhen_AnAuthorizationNamesABlacklistedAccount() public {
        usdc.mint(alice, FEE);
        _register(alice);
        usdc.blacklist(alice);
        SGEClaim.ClaimAuthorization memory auth = _authorize(aliceKey, FEE, keccak256("n4"));
        vm.expectRevert(_error("Blacklistable: account is blacklisted"));
        claim.claimWithAuthorization(auth);
        bytes32 structHash = keccak256(abi.encode(usdc.PERMIT_TYPEHASH(), alice, bob, 1, 0, block.timestamp));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(aliceKey, _digest(structHash));
        vm.expectRevert(_error("Blacklistable: account is blacklisted"));
        usdc.permit(alice, bob, 1, block.timestamp, v, r, s);
    }

    // ---------------------------------------------------------------- gasless claims

    function test_ARelayerClaimsForAWalletWithoutEthAndIsRepaidInUSDC() public {
        _register(alice);
        usdc.mint(alice, FEE + RELAY_FEE);
        SGEClaim.ClaimAuthorization memory auth = _authorize(aliceKey, FEE + RELAY_FEE, keccak256("c1"));
        vm.expectEmit(address(claim));
        emit Claimed(alice, address(usdc), FEE, AMOUNT);
        vm.expectEmit(address(claim));
        emit ClaimRelayed(alice, auth.nonce, relayer, RELAY_FEE);
        vm.prank(relayer);
        claim.claimWithAuthorization(auth);
        assertEq(alice.balance, 0, "alice never held ETH");
        assertEq(sge.balanceOf(alice), AMOUNT, "alice received SGE");
        assertEq(usdc.balanceOf(alice), 0, "alice paid fee and relay fee");
        assertEq(usdc.balanceOf(treasury), FEE, "treasury received the fee");
        assertEq(usdc.balanceOf(relayer), RELAY_FEE, "relayer repaid");
        assertEq(usdc.balanceOf(address(claim)), 0, "nothing stays in the claim contract");
        assertTrue(claim.hasClaimed(alice), "claimed");
    }

    function test_RevertWhen_TheAuthorizationIsReplayedOrBelowTheFee() public {
        _register(alice);
        usdc.mint(alice, 2 * FEE);
        SGEClaim.ClaimAuthorization memory auth = _authorize(aliceKey, FEE, keccak256("c2"));
        claim.claimWithAuthorization(auth);
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimAlreadyClaimed.selector, alice));
        claim.claimWithAuthorization(auth);
        _register(bob);
        SGEClaim.ClaimAuthorization memory low = _authorize(bobKey, FEE - 1, keccak256("c3"));
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimAuthorizationBelowFee.selector, bob, FEE - 1, FEE));
        claim.claimWithAuthorization(low);
    }

    function test_RevertWhen_AGaslessClaimantHasNoSgeId() public {
        usdc.mint(alice, FEE);
        SGEClaim.ClaimAuthorization memory auth = _authorize(aliceKey, FEE, keccak256("c4"));
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimSGEIDRequired.selector, alice));
        claim.claimWithAuthorization(auth);
    }

    function test_ABatchClaimsTheGoodAuthorizationsAndSkipsTheRest() public {
        uint256 carolKey = 0xCA401;
        address carol = vm.addr(carolKey);
        _register(alice);
        _register(bob);
        usdc.mint(alice, FEE + RELAY_FEE);
        usdc.mint(bob, FEE); // short of its signed value: the token refuses it
        usdc.mint(carol, FEE + RELAY_FEE); // no SGE-ID
        SGEClaim.ClaimAuthorization[] memory auths = new SGEClaim.ClaimAuthorization[](4);
        auths[0] = _authorize(aliceKey, FEE + RELAY_FEE, keccak256("b1"));
        auths[1] = _authorize(bobKey, FEE + RELAY_FEE, keccak256("b2"));
        auths[2] = _authorize(carolKey, FEE + RELAY_FEE, keccak256("b3"));
        auths[3] = auths[0]; // a duplicate in the same batch
        vm.expectEmit(address(claim));
        emit Claimed(alice, address(usdc), FEE, AMOUNT);
        vm.expectEmit(address(claim));
        emit ClaimRelayed(alice, auths[0].nonce, relayer, RELAY_FEE);
        vm.expectEmit(address(claim));
        emit ClaimSkipped(bob, auths[1].nonce, _error("ERC20: transfer amount exceeds balance"));
        vm.expectEmit(address(claim));
        emit ClaimSkipped(carol, auths[2].nonce, abi.encodeWithSelector(SGEClaim.SGEClaimSGEIDRequired.selector, carol));
        vm.expectEmit(address(claim));
        emit ClaimSkipped(alice, auths[0].nonce, abi.encodeWithSelector(SGEClaim.SGEClaimAlreadyClaimed.selector, alice));
        vm.prank(relayer);
        uint256 claimed = claim.claimWithAuthorizations(auths);
        assertEq(claimed, 1, "one claimed");
        assertEq(usdc.balanceOf(treasury), FEE, "one fee");
        assertEq(usdc.balanceOf(relayer), RELAY_FEE, "one relay fee");
        assertFalse(claim.hasClaimed(bob), "bob may try again");
        assertEq(claim.claimCount(), 1, "count");
    }

    function testFuzz_BatchedClaimsPayExactly(uint8 count, uint32 relayFee) public {
        count = uint8(bound(count, 1, 8));
        SGEClaim.ClaimAuthorization[] memory auths = new SGEClaim.ClaimAuthorization[](count);
        for (uint256 i; i < count; ++i) {
            uint256 key = 0x1000 + i;
            _register(vm.addr(key));
            usdc.mint(vm.addr(key), FEE + relayFee);
            auths[i] = _authorize(key, FEE + relayFee, bytes32(i));
        }
        vm.prank(relayer);
        assertEq(claim.claimWithAuthorizations(auths), count, "all claimed");
        assertEq(usdc.balanceOf(treasury), FEE * count, "fees");
        assertEq(usdc.balanceOf(relayer), uint256(relayFee) * count, "relay fees");
        assertEq(sge.balanceOf(address(claim)), (10 - uint256(count)) * AMOUNT, "vault");
    }

    function test_RevertWhen_ABatchIsEmptyOrTooLarge() public {
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimBatchSize.selector, 0));
        claim.claimWithAuthorizations(new SGEClaim.ClaimAuthorization[](0));
        vm.expectRevert(abi.encodeWithSelector(SGEClaim.SGEClaimBatchSize.selector, 101));
        claim.claimWithAuthorizations(new SGEClaim.ClaimAuthorization[](101));
    }

    // ---------------------------------------------------------------- USDT: fee and blacklist (TetherToken)

    function test_USDTTakesItsFeeForTheOwner() public {
        usdt.setParams(10, 5); // 10 bps, at most 5 USDT
        assertEq(usdt.maximumFee(), 5e6, "maximum fee in units");
        usdt.mint(alice, FEE);
        vm.prank(alice);
        usdt.transfer(bob, FEE);
        assertEq(usdt.balanceOf(bob), FEE - 100_000, "bob receives the value less 10 bps");
        assertEq(usdt.balanceOf(address(this)), 100_000, "the owner receives the fee");
        vm.expectRevert();
        usdt.setParams(20, 5); // TetherToken's bound: below 20 bps
        vm.expectRevert();
        vm.prank(alice);
        usdt.setParams(1, 1);
    }

    function test_AUSDTClaimWithTheFeeOnPaysTheTreasuryLess() public {
        usdt.setParams(10, 5);
        _register(alice);
        usdt.mint(alice, FEE);
        vm.startPrank(alice);
        usdt.approve(address(claim), FEE);
        claim.claimWithUSDT();
        vm.stopPrank();
        assertEq(usdt.balanceOf(treasury), FEE - 100_000, "net of the USDT fee");
    }

    function test_USDTBlacklistStopsSendingWithoutAReasonAndItsFundsCanBeDestroyed() public {
        usdt.mint(alice, 10e6);
        usdt.addBlackList(alice);
        assertTrue(usdt.isBlackListed(alice) && usdt.getBlackListStatus(alice), "blacklisted");
        vm.prank(alice);
        vm.expectRevert(bytes(""));
        usdt.transfer(bob, 1e6);
        vm.prank(alice);
        usdt.approve(bob, 1e6);
        vm.prank(bob);
        vm.expectRevert(bytes(""));
        usdt.transferFrom(alice, bob, 1e6);
        usdt.mint(bob, 1e6);
        vm.prank(bob);
        usdt.transfer(alice, 1e6); // receiving stays allowed, as on TetherToken
        usdt.destroyBlackFunds(alice);
        assertEq(usdt.balanceOf(alice), 0, "destroyed");
        assertEq(usdt.totalSupply(), 0, "supply shrank by the destroyed 11 USDT");
        usdt.removeBlackList(alice);
        vm.expectRevert(bytes(""));
        usdt.destroyBlackFunds(alice); // only a blacklisted account's funds
    }
}
