import { registrationTypedData } from '@sge/shared';
import {
  type Address,
  getAddress,
  type Hex,
  isErc6492Signature,
  type PublicClient,
  recoverTypedDataAddress,
} from 'viem';

/**
 * What a registration intent keeps of its proof of wallet (payload `proof`): the signature, its expiry and
 * the referral text it signed (the request's `ref` as sent, "" for none).
 */
export type TRegistrationProofPayload = { signature: Hex; expiresAt: number; referral: string };

export type TVerifyRegistrationProofInput = TRegistrationProofPayload & {
  programId: string;
  wallet: Address;
  chainId: number;
};

/**
 * Whether `wallet` signed this registration. An EOA's signature is checked by secp256k1 recovery in this
 * process (no RPC); anything else — a deployed contract wallet (ERC-1271) or a counterfactual one (ERC-6492
 * wrapped signature) — is checked by the chain through viem's `verifyTypedData`. A wallet without code whose
 * signature does not recover to it is refused without asking the chain (the common forgery costs no RPC).
 * The expiry is checked when the registration is accepted, not here: a registration queued behind a paused
 * budget stays valid.
 *
 * @example
 * if (!(await verifyRegistrationProof(publicClient, { programId, wallet, chainId, ...proof }))) fail();
 */
export async function verifyRegistrationProof(
  publicClient: Pick<PublicClient, 'getCode' | 'verifyTypedData'>,
  input: TVerifyRegistrationProofInput,
): Promise<boolean> {
  const typedData = registrationTypedData({
    programId: input.programId,
    wallet: input.wallet,
    referral: input.referral,
    chainId: input.chainId,
    expiresAt: input.expiresAt,
  });
  const wrapped = isErc6492Signature(input.signature);
  if (!wrapped && input.signature.length === 132) {
    try {
      const signer = await recoverTypedDataAddress({ ...typedData, signature: input.signature });
      if (getAddress(signer) === getAddress(input.wallet)) return true;
    } catch {
      // Not a recoverable ECDSA signature: may still be a contract wallet's.
    }
  }
  if (!wrapped) {
    const code = await publicClient.getCode({ address: input.wallet });
    if (!code || code === '0x') return false;
  }
  try {
    return await publicClient.verifyTypedData({
      address: input.wallet,
      ...typedData,
      signature: input.signature,
    });
  } catch {
    return false;
  }
}
