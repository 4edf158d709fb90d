import type { Address, TypedDataDefinition } from 'viem';
import { waitForTransactionReceipt } from 'viem/actions';
import type { Config, Connector } from 'wagmi';
import { getConnectorClient, sendTransaction, signMessage, signTypedData } from 'wagmi/actions';
import { RECEIPT_POLL_INTERVAL_MS, TRANSACTION_RECEIPT_TIMEOUT_MS } from '../limits';
import { toWalletError, WalletError } from './wallet-error';
import type { TWallet } from './wallet-session';

function rethrowAsWalletError(error: unknown): never {
  throw toWalletError(error);
}

/**
 * The wallet a page gets, the same for every connector: wagmi's actions on `connector`, errors translated
 * into WalletErrors, and sends pinned to the platform's chain (`expectedChainId`, read at the moment of
 * sending). Receipts are read through the wallet's own connection, as the app has no RPC endpoint of its
 * own outside Mock mode (and a Safe answers for the transaction its owners finally execute).
 *
 * @example
 * const wallet = pageWallet({ config, connector, address, chainId, expectedChainId: () => 31337 });
 * await wallet.signMessage('Sign in to SGE');
 */
export function pageWallet({
  config,
  connector,
  address,
  chainId,
  expectedChainId,
}: {
  config: Config;
  connector: Connector;
  address: Address;
  chainId: number;
  expectedChainId: () => number | null;
}): TWallet {
  return {
    connector: connector.id,
    address,
    chainId,
    signMessage: (message) => signMessage(config, { connector, message }).catch(rethrowAsWalletError),
    // eth_signTypedData_v4 for browser wallets; the wallet shows the domain (contract, chain) and the message.
    signTypedData: (typedData: TypedDataDefinition) =>
      signTypedData(config, { connector, ...typedData } as Parameters<typeof signTypedData>[1]).catch(
        rethrowAsWalletError,
      ),
    sendTransaction: async (request) => {
      const expected = expectedChainId();
      if (expected === null) {
        throw new WalletError(
          'WRONG_NETWORK',
          "The platform's chain is not known yet (the API has not answered), so nothing was sent.",
        );
      }
      // viem checks the wallet's current chain against this one right before sending (ChainMismatchError).
      return await sendTransaction(config, {
        connector,
        chainId: expected,
        to: request.to,
        data: request.data,
        value: request.value,
      }).catch(rethrowAsWalletError);
    },
    waitForReceipt: async (hash) => {
      try {
        const client = await getConnectorClient(config, { connector, assertChainId: false });
        return await waitForTransactionReceipt(client, {
          hash,
          timeout: TRANSACTION_RECEIPT_TIMEOUT_MS,
          pollingInterval: RECEIPT_POLL_INTERVAL_MS,
        });
      } catch (error) {
        rethrowAsWalletError(error);
      }
    },
  };
}
