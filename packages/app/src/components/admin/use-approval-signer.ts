import { useQuery } from '@tanstack/react-query';
import type { Address, Hex } from 'viem';
import { apiErrorCode } from '../../api/api-error';
import { adminClient } from '../../api/money-clients';
import { approvalTypedData, type TBatchApproval } from '../../api/payout-approval';
import { useChainSettings } from '../../api/use-chain-settings';
import { useWallet } from '../../wallet/wallet-context';
import { chooseSigner } from './approval-signer';

export type { TApprovalSigner } from './approval-signer';

/**
 * The signer of the signed-in admin's payout approvals (see TApprovalSigner), and `sign`, which asks it to
 * sign a batch's EIP-712 approval. In Mock mode the demo admins' dev wallets sign without a prompt; in Real
 * mode the connected wallet asks its user.
 *
 * @example
 * const { signer, sign } = useApprovalSigner();
 * const signature = await sign(batch.approval);
 */
export function useApprovalSigner() {
  const mock = useChainSettings().data?.mode === 'MOCK';
  const { state } = useWallet();
  const me = useQuery({
    queryKey: ['admin', 'me'],
    queryFn: ({ signal }) => adminClient.me({ signal }),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const dev = useQuery({
    queryKey: ['admin', 'dev-wallet'],
    // 404: this admin's wallet is not a dev key (or the API is not in Mock mode): the connected wallet signs.
    queryFn: ({ signal }) =>
      adminClient.devAdminWallet({ signal }).catch((error: unknown) => {
        if (apiErrorCode(error) === 'NOT_FOUND') return null;
        throw error;
      }),
    enabled: mock,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const signer = chooseSigner({
    admin: me.data ?? null,
    adminLoading: me.isPending,
    dev: dev.data ? { address: dev.data.address as Address, privateKey: dev.data.privateKey } : null,
    devLoading: mock && dev.isPending,
    wallet: state,
  });

  const sign = async (approval: TBatchApproval): Promise<Hex> => {
    const typedData = approvalTypedData(approval.typedData, approval);
    if (signer.kind === 'dev') {
      // Loaded on demand, as the dev wallet of /affiliate is: the signing code stays out of the first page load.
      const { privateKeyToAccount } = await import('viem/accounts');
      return await privateKeyToAccount(signer.privateKey).signTypedData(typedData);
    }
    if (signer.kind === 'wallet') return await signer.wallet.signTypedData(typedData);
    throw new Error(signer.kind === 'loading' ? 'The signing wallet is still loading.' : signer.reason);
  };

  return { signer, sign };
}
