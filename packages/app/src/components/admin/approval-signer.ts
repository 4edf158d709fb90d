import type { Address, Hex } from 'viem';
import { isAddressEqual } from 'viem/utils';
import type { TAdminIdentity } from '../../api/payout-approval';
import type { TWalletState } from '../../wallet/wallet-context';
import type { TWallet } from '../../wallet/wallet-session';

/**
 * Who signs this admin's payout approvals, and whether they can now:
 * - `dev`: Mock mode, the demo admin's dev wallet (a published anvil key the API serves to that admin only),
 *   signing silently in the page;
 * - `wallet`: the connected wallet, which is the admin's configured wallet;
 * - `unavailable`: why nothing can sign (no wallet configured, none connected, a different account, ...).
 */
export type TApprovalSigner =
  | { kind: 'loading' }
  | { kind: 'dev'; admin: TAdminIdentity | null; address: Address; privateKey: Hex }
  | { kind: 'wallet'; admin: TAdminIdentity | null; address: Address; wallet: TWallet }
  | { kind: 'unavailable'; admin: TAdminIdentity | null; reason: string; needsWallet: boolean };

/**
 * Decides the signer from what is known (pure, so that every case reads in one place and is tested).
 *
 * @example chooseSigner({ admin, adminLoading: false, dev: null, devLoading: false, wallet: state }).kind // 'wallet'
 */
export function chooseSigner(input: {
  admin: TAdminIdentity | null;
  adminLoading: boolean;
  dev: { address: Address; privateKey: string } | null;
  devLoading: boolean;
  wallet: TWalletState;
}): TApprovalSigner {
  const { admin, wallet } = input;
  if (input.adminLoading || input.devLoading) return { kind: 'loading' };
  if (admin?.kind === 'program-key') {
    return {
      kind: 'unavailable',
      admin,
      needsWallet: false,
      reason: 'A program key cannot sign payout approvals: an admin signs in with their own key.',
    };
  }
  if (admin !== null && admin.wallet === null) {
    return {
      kind: 'unavailable',
      admin,
      needsWallet: false,
      reason: `Admin ${admin.name} has no wallet configured (ADMIN_API_KEYS name:key:0xWallet), so cannot sign payout approvals.`,
    };
  }
  if (input.dev !== null) {
    return { kind: 'dev', admin, address: input.dev.address, privateKey: input.dev.privateKey as Hex };
  }
  if (wallet.status === 'wrong-network') {
    return {
      kind: 'unavailable',
      admin,
      needsWallet: true,
      reason: `Your wallet is on chain ${wallet.chainId}: switch it to chain ${wallet.expectedChainId} to sign.`,
    };
  }
  if (wallet.status !== 'connected') {
    const who = admin?.wallet ? ` (${admin.wallet})` : '';
    return {
      kind: 'unavailable',
      admin,
      needsWallet: true,
      reason: `Connect your admin wallet${who} to sign.`,
    };
  }
  if (admin?.wallet && !isAddressEqual(wallet.address, admin.wallet as Address)) {
    return {
      kind: 'unavailable',
      admin,
      needsWallet: true,
      reason: `The connected wallet ${wallet.address} is not ${admin.name}'s admin wallet ${admin.wallet}: switch the account in your wallet.`,
    };
  }
  return { kind: 'wallet', admin, address: wallet.address, wallet: wallet.wallet };
}
