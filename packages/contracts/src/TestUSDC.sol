// SPDX-License-Identifier: MIT
pragma solidity ^0.8.30;

import {SignatureCheckerLib} from "solady/utils/SignatureCheckerLib.sol";
import {SGEOwnable} from "./SGEOwnable.sol";

/// @title TestUSDC
/// @notice USDC-like faucet token for LOCAL CHAINS ONLY: 6 decimals and an open `mint` that anyone can
///         call. Never deploy it where it could be mistaken for real USDC.
/// @dev Behaves as Circle's FiatTokenV2_2 does where integrations meet it, with FiatTokenV2_2's revert
///      strings, events and EIP-712 domain (name "USD Coin", version "2", the chain id, this address), so
///      signatures made for real USDC verify here and every revert the platform decodes is the real one:
///      - ERC-20 with "ERC20: ..." revert strings; a max allowance is decreased like any other;
///      - the blacklist: any transfer, transferFrom or approve from or to a blacklisted account, or called
///        by one, and any permit or authorization naming one, reverts "Blacklistable: account is blacklisted";
///      - EIP-2612 `permit` (nonces per owner, "FiatTokenV2: permit is expired", "EIP2612: invalid signature");
///      - EIP-3009 `transferWithAuthorization`, `receiveWithAuthorization` (the caller must be the payee, so a
///        contract pulling a payment cannot be front-run) and `cancelAuthorization`, with random 32-byte
///        nonces, `authorizationState` and the AuthorizationUsed / AuthorizationCanceled events.
///      Signatures go through Solady's SignatureCheckerLib: an EOA's ECDSA signature or a contract wallet's
///      EIP-1271 answer, as FiatTokenV2_2's SignatureChecker accepts. Pausing, minters and rescuing are not
///      reproduced. The ERC-20 `name` stays "Test USD Coin" so a wallet never shows it as the real token;
///      the EIP-712 domain name is USDC's own.
contract TestUSDC is SGEOwnable {
    /// @notice Token name shown by wallets (the EIP-712 domain uses USDC's "USD Coin").
    string public constant name = "Test USD Coin";
    /// @notice Token symbol.
    string public constant symbol = "USDC";
    /// @notice 6, like USDC: 1 USDC = 1_000_000 units.
    uint8 public constant decimals = 6;

    /// @dev FiatTokenV2_2's typehashes (EIP-2612 and EIP-3009).
    bytes32 public constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 public constant TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    bytes32 public constant RECEIVE_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    bytes32 public constant CANCEL_AUTHORIZATION_TYPEHASH =
        keccak256("CancelAuthorization(address authorizer,bytes32 nonce)");
    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    /// @notice Total units in existence.
    uint256 public totalSupply;
    /// @notice Account allowed to blacklist and un-blacklist (FiatTokenV2_2's `blacklister`).
    address public blacklister;

    mapping(address account => uint256 balance) private _balances;
    mapping(address owner => mapping(address spender => uint256 value)) private _allowances;
    mapping(address account => bool blacklisted) private _blacklisted;
    mapping(address owner => uint256 nonce) private _permitNonces;
    mapping(address authorizer => mapping(bytes32 nonce => bool used)) private _authorizationStates;

    /// @notice ERC-20 transfer event.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice ERC-20 approval event.
    event Approval(address indexed owner, address indexed spender, uint256 value);
    /// @notice `account` was blacklisted (FiatTokenV2_2's event).
    event Blacklisted(address indexed account);
    /// @notice `account` was removed from the blacklist (FiatTokenV2_2's event).
    event UnBlacklisted(address indexed account);
    /// @notice The owner appointed `newBlacklister` (FiatTokenV2_2's event).
    event BlacklisterChanged(address indexed newBlacklister);
    /// @notice An EIP-3009 authorization of `authorizer` with `nonce` was used (FiatTokenV2_2's event).
    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);
    /// @notice An EIP-3009 authorization of `authorizer` with `nonce` was cancelled (FiatTokenV2_2's event).
    event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce);

    /// @dev The deployer owns the token and is its first blacklister.
    constructor() SGEOwnable(msg.sender) {
        blacklister = msg.sender;
        emit BlacklisterChanged(msg.sender);
    }

    /// @dev FiatTokenV2_2's `notBlacklisted` modifier, with its revert message.
    modifier notBlacklisted(address account) {
        require(!_blacklisted[account], "Blacklistable: account is blacklisted");
        _;
    }

    // ------------------------------------------------------------------ ERC-20

    /// @notice Units held by `account`.
    function balanceOf(address account) external view returns (uint256) {
        return _balances[account];
    }

    /// @notice Units `spender` may move from `owner`.
    function allowance(address owner, address spender) external view returns (uint256) {
        return _allowances[owner][spender];
    }

    /// @notice Faucet: mints `amount` units to `to`. Open to anyone (local chains only); `to` must not be
    ///         blacklisted.
    function mint(address to, uint256 amount) external notBlacklisted(to) {
        require(to != address(0), "FiatToken: mint to the zero address");
        totalSupply += amount;
        // Cannot overflow: every balance is at most totalSupply, which the checked add above bounds.
        unchecked {
            _balances[to] += amount;
        }
        emit Transfer(address(0), to, amount);
    }

    /// @notice ERC-20 transfer; neither the caller nor `to` may be blacklisted.
    function transfer(address to, uint256 value)
        external
        notBlacklisted(msg.sender)
        notBlacklisted(to)
        returns (bool)
    {
        _transfer(msg.sender, to, value);
        return true;
    }

    /// @notice ERC-20 transferFrom; the caller, `from` and `to` may not be blacklisted. Like USDC, a max
    ///         allowance is decreased like any other.
    function transferFrom(address from, address to, uint256 value)
        external
        notBlacklisted(msg.sender)
        notBlacklisted(from)
        notBlacklisted(to)
        returns (bool)
    {
        uint256 allowed = _allowances[from][msg.sender];
        require(value <= allowed, "ERC20: transfer amount exceeds allowance");
        // Cannot underflow: checked just above.
        unchecked {
            _allowances[from][msg.sender] = allowed - value;
        }
        _transfer(from, to, value);
        return true;
    }

    /// @notice ERC-20 approve; neither the caller nor `spender` may be blacklisted.
    function approve(address spender, uint256 value)
        external
        notBlacklisted(msg.sender)
        notBlacklisted(spender)
        returns (bool)
    {
        _approve(msg.sender, spender, value);
        return true;
    }

    // ------------------------------------------------------------------ blacklist

    /// @notice Whether `account` is blacklisted.
    function isBlacklisted(address account) external view returns (bool) {
        return _blacklisted[account];
    }

    /// @notice Blacklists `account`: it can no longer send, receive or approve. Blacklister only.
    function blacklist(address account) external {
        require(msg.sender == blacklister, "Blacklistable: caller is not the blacklister");
        _blacklisted[account] = true;
        emit Blacklisted(account);
    }

    /// @notice Removes `account` from the blacklist. Blacklister only.
    function unBlacklist(address account) external {
        require(msg.sender == blacklister, "Blacklistable: caller is not the blacklister");
        _blacklisted[account] = false;
        emit UnBlacklisted(account);
    }

    /// @notice Appoints `newBlacklister`. Owner only.
    function updateBlacklister(address newBlacklister) external onlyOwner {
        require(newBlacklister != address(0), "Blacklistable: new blacklister is the zero address");
        blacklister = newBlacklister;
        emit BlacklisterChanged(newBlacklister);
    }

    // ------------------------------------------------------------------ EIP-712, EIP-2612, EIP-3009

    /// @notice FiatTokenV2_2's domain: name "USD Coin", version "2", this chain, this contract.
    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return keccak256(
            abi.encode(_DOMAIN_TYPEHASH, keccak256("USD Coin"), keccak256("2"), block.chainid, address(this))
        );
    }

    /// @notice Next EIP-2612 nonce of `owner`.
    function nonces(address owner) external view returns (uint256) {
        return _permitNonces[owner];
    }

    /// @notice Whether `authorizer` has used or cancelled the EIP-3009 authorization `nonce`.
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool) {
        return _authorizationStates[authorizer][nonce];
    }

    /// @notice EIP-2612: sets `owner`'s allowance for `spender` to `value` with `owner`'s signature, valid
    ///         until `deadline` (inclusive; `type(uint256).max` never expires).
    function permit(
        address owner,
        address spender,
        uint256 value,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external notBlacklisted(owner) notBlacklisted(spender) {
        require(deadline == type(uint256).max || deadline >= block.timestamp, "FiatTokenV2: permit is expired");
        bytes32 structHash =
            keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, _permitNonces[owner]++, deadline));
        require(
            SignatureCheckerLib.isValidSignatureNow(owner, _typedDataHash(structHash), v, r, s),
            "EIP2612: invalid signature"
        );
        _approve(owner, spender, value);
    }

    /// @notice EIP-3009: moves `value` from `from` to `to` with `from`'s signature; anyone may submit it.
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external notBlacklisted(from) notBlacklisted(to) {
        _useAuthorization(TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, v, r, s);
        _transfer(from, to, value);
    }

    /// @notice EIP-3009: moves `value` from `from` to `to` with `from`'s signature; only `to` may submit it,
    ///         which keeps a contract's pull (e.g. a claim paying its fee) from being front-run.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external notBlacklisted(from) notBlacklisted(to) {
        require(to == msg.sender, "FiatTokenV2: caller must be the payee");
        _useAuthorization(RECEIVE_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, v, r, s);
        _transfer(from, to, value);
    }

    /// @notice EIP-3009: cancels `authorizer`'s unused authorization `nonce` with `authorizer`'s signature.
    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external {
        require(!_authorizationStates[authorizer][nonce], "FiatTokenV2: authorization is used or canceled");
        bytes32 structHash = keccak256(abi.encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce));
        require(
            SignatureCheckerLib.isValidSignatureNow(authorizer, _typedDataHash(structHash), v, r, s),
            "FiatTokenV2: invalid signature"
        );
        _authorizationStates[authorizer][nonce] = true;
        emit AuthorizationCanceled(authorizer, nonce);
    }

    // ------------------------------------------------------------------ internals

    function _useAuthorization(
        bytes32 typeHash,
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) private {
        require(block.timestamp > validAfter, "FiatTokenV2: authorization is not yet valid");
        require(block.timestamp < validBefore, "FiatTokenV2: authorization is expired");
        require(!_authorizationStates[from][nonce], "FiatTokenV2: authorization is used or canceled");
        bytes32 structHash = keccak256(abi.encode(typeHash, from, to, value, validAfter, validBefore, nonce));
        require(
            SignatureCheckerLib.isValidSignatureNow(from, _typedDataHash(structHash), v, r, s),
            "FiatTokenV2: invalid signature"
        );
        _authorizationStates[from][nonce] = true;
        emit AuthorizationUsed(from, nonce);
    }

    function _typedDataHash(bytes32 structHash) private view returns (bytes32) {
        return keccak256(abi.encodePacked("\x19\x01", DOMAIN_SEPARATOR(), structHash));
    }

    function _transfer(address from, address to, uint256 value) private {
        require(from != address(0), "ERC20: transfer from the zero address");
        require(to != address(0), "ERC20: transfer to the zero address");
        uint256 balance = _balances[from];
        require(value <= balance, "ERC20: transfer amount exceeds balance");
        // Cannot underflow (checked above) nor overflow (the sum of balances is totalSupply).
        unchecked {
            _balances[from] = balance - value;
            _balances[to] += value;
        }
        emit Transfer(from, to, value);
    }

    function _approve(address owner, address spender, uint256 value) private {
        require(owner != address(0), "ERC20: approve from the zero address");
        require(spender != address(0), "ERC20: approve to the zero address");
        _allowances[owner][spender] = value;
        emit Approval(owner, spender, value);
    }
}
