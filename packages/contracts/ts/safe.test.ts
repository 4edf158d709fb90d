import {
  type AbiItem,
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  encodeFunctionData,
  hashTypedData,
  http,
  type PublicClient,
  parseAbi,
} from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANVIL_MNEMONIC, ANVIL_PRIVATE_KEYS, startAnvil, type TAnvil } from './anvil';
import {
  deploySafeContracts,
  execSafeTransaction,
  isValidSafeSignature,
  loadSafeArtifact,
  safeAbi,
  safeErc1271Signature,
  safeMessageHash,
  safeProxyFactoryAbi,
  type TSafe,
  type TSafeEnvironment,
} from './safe';

// Owners from anvil's public mnemonic beyond the funded accounts: they only sign, the deployer sends.
const [alice, bob, carol, dave] = [20, 21, 22, 23].map((addressIndex) =>
  mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex }),
) as [
  ReturnType<typeof mnemonicToAccount>,
  ReturnType<typeof mnemonicToAccount>,
  ReturnType<typeof mnemonicToAccount>,
  ReturnType<typeof mnemonicToAccount>,
];

/** Any EIP-712 message will do: the Safe signs its digest, whatever it is. */
const exampleTypedData = {
  domain: { name: 'Example', version: '1', chainId: 31337, verifyingContract: alice.address },
  types: { Note: [{ name: 'text', type: 'string' }] },
  primaryType: 'Note',
  message: { text: 'pay batch 7' },
} as const;

/** Name, kind, parameter types (and which are indexed) and outputs: what must agree between two ABIs. */
function signatureOf(item: AbiItem): string {
  if (item.type !== 'function' && item.type !== 'event') return item.type;
  const inputs = item.inputs.map((input) =>
    'indexed' in input && input.indexed ? `${input.type} indexed` : input.type,
  );
  const outputs = item.type === 'function' ? item.outputs.map((output) => output.type) : [];
  return `${item.type} ${item.name}(${inputs.join(',')}) -> (${outputs.join(',')})`;
}

const tokenAbi = parseAbi(['function transfer(address to, uint256 amount) returns (bool)']);

describe('Safe 1.4.1 test harness on anvil', () => {
  let anvil: TAnvil;
  let publicClient: PublicClient;
  let safes: TSafeEnvironment;
  let twoOfThree: TSafe;

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    publicClient = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
    const walletClient = createWalletClient({
      account: privateKeyToAccount(ANVIL_PRIVATE_KEYS[0]),
      chain: foundry,
      transport: http(anvil.rpcUrl),
    });
    safes = await deploySafeContracts({ publicClient, walletClient });
    twoOfThree = await safes.createSafe({
      owners: [alice.address, bob.address, carol.address],
      threshold: 2,
    });
  });

  afterAll(async () => {
    await anvil?.stop();
  });

  it('declares only functions and events the shipped Safe 1.4.1 artifacts have, with the same signatures', () => {
    const shipped = new Set(
      [
        ...loadSafeArtifact('singleton').abi,
        ...loadSafeArtifact('fallbackHandler').abi,
        ...loadSafeArtifact('proxyFactory').abi,
      ].map(signatureOf),
    );
    for (const item of [...safeAbi, ...safeProxyFactoryAbi]) expect(shipped).toContain(signatureOf(item));
  });

  it('creates a Safe 1.4.1 proxy with the owners, the threshold and the fallback handler', async () => {
    const read = <TName extends 'VERSION' | 'getOwners' | 'getThreshold'>(functionName: TName) =>
      publicClient.readContract({ address: twoOfThree.address, abi: safeAbi, functionName });
    expect(await read('VERSION')).toBe('1.4.1');
    expect(new Set(await read('getOwners'))).toEqual(new Set([alice.address, bob.address, carol.address]));
    expect(await read('getThreshold')).toBe(2n);
    // FallbackManager's storage slot: keccak256("fallback_manager.handler.address").
    const handlerSlot = '0x6c9a6c4a39284e37ed1cf53d337577d14212a4870fb976a4366c693b939918d5';
    const stored = await publicClient.getStorageAt({ address: twoOfThree.address, slot: handlerSlot });
    expect(`0x${stored?.slice(-40)}`.toLowerCase()).toBe(safes.contracts.fallbackHandler.toLowerCase());
  });

  it('executes a call signed by two of three owners, given in any order, and bumps the nonce', async () => {
    // Sending ETH to an owner: the simplest call whose effect is visible.
    const testClient = createTestClient({ mode: 'anvil', chain: foundry, transport: http(anvil.rpcUrl) });
    await testClient.setBalance({ address: twoOfThree.address, value: 10n ** 18n });
    const before = await publicClient.getBalance({ address: dave.address });
    await execSafeTransaction(twoOfThree, { to: dave.address, data: '0x', value: 1000n }, [carol, alice]);
    expect(await publicClient.getBalance({ address: dave.address })).toBe(before + 1000n);
    expect(
      await publicClient.readContract({ address: twoOfThree.address, abi: safeAbi, functionName: 'nonce' }),
    ).toBe(1n);
  });

  it('refuses a transaction signed by one owner of a 2-of-3 Safe (GS020)', async () => {
    await expect(
      execSafeTransaction(twoOfThree, { to: dave.address, data: '0x', value: 1n }, [alice]),
    ).rejects.toThrow(/GS020/);
  });

  it('refuses a transaction signed by a non-owner (GS026)', async () => {
    await expect(
      execSafeTransaction(twoOfThree, { to: dave.address, data: '0x', value: 1n }, [alice, dave]),
    ).rejects.toThrow(/GS026/);
  });

  it('reverts the whole execution when the call itself reverts (GS013)', async () => {
    // SafeProxyFactory has neither `transfer` nor a fallback function, so the inner call reverts.
    const data = encodeFunctionData({
      abi: tokenAbi,
      functionName: 'transfer',
      args: [dave.address, 1n],
    });
    await expect(
      execSafeTransaction(twoOfThree, { to: safes.contracts.proxyFactory, data }, [alice, bob]),
    ).rejects.toThrow(/GS013/);
  });

  it('answers the ERC-1271 magic value for a digest its owners signed as a SafeMessage', async () => {
    const digest = hashTypedData(exampleTypedData);
    const signature = await safeErc1271Signature(twoOfThree, exampleTypedData, [bob, alice]);
    expect(signature.length).toBe(2 + 2 * 65 * 2);
    expect(await isValidSafeSignature(twoOfThree, digest, signature)).toBe(true);
    // The same SafeMessage hash as the fallback handler's own (called on the Safe, with abi.encode(digest)).
    expect(
      await publicClient.readContract({
        address: twoOfThree.address,
        abi: safeAbi,
        functionName: 'getMessageHash',
        args: [digest],
      }),
    ).toBe(safeMessageHash(twoOfThree, digest));
  });

  it('refuses an ERC-1271 signature below the threshold, by a non-owner, or for another digest', async () => {
    const digest = hashTypedData(exampleTypedData);
    const one = await safeErc1271Signature(twoOfThree, exampleTypedData, [alice]);
    expect(await isValidSafeSignature(twoOfThree, digest, one)).toBe(false);
    const withStranger = await safeErc1271Signature(twoOfThree, exampleTypedData, [alice, dave]);
    expect(await isValidSafeSignature(twoOfThree, digest, withStranger)).toBe(false);
    const other = await safeErc1271Signature(
      twoOfThree,
      { ...exampleTypedData, message: { text: 'pay batch 8' } },
      [alice, bob],
    );
    expect(await isValidSafeSignature(twoOfThree, digest, other)).toBe(false);
  });

  it('refuses an owner signature made for another Safe with the same owners', async () => {
    const sibling = await safes.createSafe({
      owners: [alice.address, bob.address, carol.address],
      threshold: 2,
    });
    expect(sibling.address).not.toBe(twoOfThree.address);
    const digest = hashTypedData(exampleTypedData);
    const forSibling = await safeErc1271Signature(sibling, exampleTypedData, [alice, bob]);
    expect(await isValidSafeSignature(sibling, digest, forSibling)).toBe(true);
    expect(await isValidSafeSignature(twoOfThree, digest, forSibling)).toBe(false);
  });

  it('creates a 1-of-1 Safe whose single owner signs alone', async () => {
    const solo: TSafe = await safes.createSafe({ owners: [dave.address], threshold: 1 });
    const digest = hashTypedData(exampleTypedData);
    const signature = await safeErc1271Signature(solo, exampleTypedData, [dave]);
    expect(await isValidSafeSignature(solo, digest, signature)).toBe(true);
    const owners: readonly Address[] = await publicClient.readContract({
      address: solo.address,
      abi: safeAbi,
      functionName: 'getOwners',
    });
    expect(owners).toEqual([dave.address]);
  });
});
