import { createContext, useContext } from 'react';
import type { Address } from 'viem';
import type { WalletError } from './wallet-error';
import type { TConnectorId, TWallet } from './wallet-session';

/**
 * The wallet as the UI sees it. A tagged union: a page that needs to send a transaction can only get a
 * `wallet` in the `connected` state, which means the wallet is on the platform's chain (or the chain is not
 * known yet, in which case sending refuses with WRONG_NETWORK).
 */
export type TWalletState =
  | { status: 'disconnected' }
  | { status: 'connecting'; connector: TConnectorId; connectorName?: string }
  | {
      status: 'connected';
      connector: TConnectorId;
      /** How the wallet calls itself ("MetaMask", "Dev wallet (Mock mode)"); absent while unknown. */
      connectorName?: string;
      address: Address;
      chainId: number;
      wallet: TWallet;
    }
  /** Connected, but to another chain than the platform's: show the "switch to chain N" prompt. */
  | {
      status: 'wrong-network';
      connector: TConnectorId;
      connectorName?: string;
      address: Address;
      chainId: number;
      expectedChainId: number;
      /** Whether the wallet can be asked to switch (a browser wallet can; the dev wallet cannot). */
      canSwitch: boolean;
    }
  | { status: 'error'; connector: TConnectorId; connectorName?: string; error: WalletError };

/** A way to connect, as offered to the user. */
export interface TConnectorOption {
  id: TConnectorId;
  /** The button's words: a wallet's announced name ("Rabby Wallet") or an action ("Connect browser wallet"). */
  label: string;
  /** The wallet's name, as shown once connected. */
  name: string;
  /** The wallet's icon as a data: URI (EIP-6963 wallets announce one), or null. */
  icon: string | null;
  description: string;
  /** Null when the connector can be used; otherwise why not, in words for the user. */
  unavailableReason: string | null;
}

export interface TWalletContext {
  state: TWalletState;
  /**
   * The connectors to offer, in order: the dev wallet (Mock mode only), each browser wallet that announced
   * itself (EIP-6963) by name and icon, WalletConnect (when configured), Coinbase Wallet, Base Account, and
   * Safe inside the Safe app. Empty until the wallet layer has loaded (right after the first render).
   */
  connectors: readonly TConnectorOption[];
  /** The chain the platform runs on (from the API); null until known. */
  expectedChainId: number | null;
  /** Connects with `connector`, asking the user where the wallet requires it. Never rejects: see `state`. */
  connect(connector: TConnectorId): Promise<void>;
  /** Forgets the connection and the remembered connector. */
  disconnect(): void;
  /** Asks the wallet to switch to the platform's chain. Rejects with a WalletError (e.g. USER_REJECTED). */
  switchToExpectedChain(): Promise<void>;
}

export const WalletContext = createContext<TWalletContext | null>(null);

/**
 * The wallet context. Must be used below WalletProvider.
 *
 * @example
 * const { state, connect } = useWallet();
 * if (state.status === 'connected') await state.wallet.signMessage('hello');
 */
export function useWallet(): TWalletContext {
  const context = useContext(WalletContext);
  if (context === null) throw new Error('useWallet must be used inside <WalletProvider>');
  return context;
}

/** The connected account whatever the network (registering needs the address, not the chain), or null. */
export function connectedAddress(state: TWalletState): Address | null {
  return state.status === 'connected' || state.status === 'wrong-network' ? state.address : null;
}
