import type { TConnectorOption } from './wallet-context';

/**
 * What the connect buttons say for each wagmi connector. Pure, so that the choice of what to offer reads in
 * one place and is tested (connector-options.test.ts).
 */

/** A wagmi connector as far as the buttons need it. */
export interface TConnectorInfo {
  id: string;
  name: string;
  /** wagmi's connector type: `injected` for window.ethereum and every EIP-6963 wallet. */
  type: string;
  /** EIP-6963 wallets announce an icon (a data: URI). */
  icon?: string | undefined;
}

/** The generic connector over `window.ethereum`, for wallets that do not announce themselves (EIP-6963). */
export const GENERIC_INJECTED_ID = 'injected';

/** Connectors offered with fixed words; EIP-6963 wallets are offered under the name they announce. */
const FIXED_OPTIONS: Readonly<Record<string, { label: string; description: string }>> = {
  dev: {
    label: 'Use the dev wallet (Mock mode)',
    description:
      'A test account on the local chain. Nothing to install; its key is public, so test funds only.',
  },
  [GENERIC_INJECTED_ID]: {
    label: 'Connect browser wallet',
    description: 'The wallet of this browser, or the browser of your wallet app.',
  },
  walletConnect: {
    label: 'WalletConnect',
    description: 'Scan a QR code with the wallet app on your phone, or open the wallet app on this phone.',
  },
  coinbaseWalletSDK: {
    label: 'Coinbase Wallet',
    description: 'The Coinbase Wallet app (by QR code) or its browser extension.',
  },
  baseAccount: {
    label: 'Base Account',
    description: 'A smart wallet secured by a passkey (formerly Coinbase Smart Wallet); nothing to install.',
  },
  safe: {
    label: 'Safe',
    description: 'This page is open as a Safe App: transactions become proposals for the Safe’s owners.',
  },
};

/** Order of the buttons: the dev wallet first (Mock mode), then browser wallets, then the SDK-based ones. */
const ORDER = [
  'dev',
  'safe',
  'eip6963',
  GENERIC_INJECTED_ID,
  'walletConnect',
  'coinbaseWalletSDK',
  'baseAccount',
];

/** Only data: URIs of images are shown as icons (EIP-6963 requires data URIs), so no icon loads anything. */
export function safeIcon(icon: string | undefined): string | null {
  return icon !== undefined && /^data:image\/(svg\+xml|png|webp|jpeg|gif)[;,]/.test(icon) ? icon : null;
}

function isEip6963(connector: TConnectorInfo): boolean {
  return connector.type === 'injected' && connector.id !== GENERIC_INJECTED_ID;
}

/**
 * The connect buttons for `connectors`. The generic browser-wallet button appears only when no wallet has
 * announced itself by EIP-6963 (the announced ones are the same wallets, named); without any browser wallet
 * it stays, disabled, saying why.
 *
 * @example connectorOptions([{ id: 'io.rabby', name: 'Rabby Wallet', type: 'injected' }], { hasWindowEthereum: true })[0].label // 'Rabby Wallet'
 */
export function connectorOptions(
  connectors: readonly TConnectorInfo[],
  { hasWindowEthereum }: { hasWindowEthereum: boolean },
): TConnectorOption[] {
  const announced = connectors.some(isEip6963);
  const options: { rank: number; option: TConnectorOption }[] = [];
  const seen = new Set<string>();
  for (const connector of connectors) {
    if (seen.has(connector.id)) continue;
    seen.add(connector.id);
    if (isEip6963(connector)) {
      options.push({
        rank: ORDER.indexOf('eip6963'),
        option: {
          id: connector.id,
          label: connector.name,
          name: connector.name,
          icon: safeIcon(connector.icon),
          description: 'Browser wallet',
          unavailableReason: null,
        },
      });
      continue;
    }
    const fixed = FIXED_OPTIONS[connector.id];
    if (fixed === undefined) continue;
    if (connector.id === GENERIC_INJECTED_ID && announced) continue;
    options.push({
      rank: ORDER.indexOf(connector.id),
      option: {
        id: connector.id,
        label: fixed.label,
        name: connector.id === GENERIC_INJECTED_ID ? 'Browser wallet' : connector.name,
        icon: null,
        description: fixed.description,
        unavailableReason:
          connector.id === GENERIC_INJECTED_ID && !hasWindowEthereum
            ? 'No browser wallet found. Install a wallet extension, or open this page in your wallet app.'
            : null,
      },
    });
  }
  return options.sort((a, b) => a.rank - b.rank).map((entry) => entry.option);
}
