/**
 * Error codes of EIP-1193 (the wallet provider API) and the wallet JSON-RPC conventions that the app acts on.
 * wagmi and viem keep the wallet's code on their errors (or on an error in their `cause` chain), so that
 * toWalletError can read it whichever connector the wallet came through.
 */
export const EIP1193_ERROR_CODES = {
  /** The user rejected the request. */
  userRejected: 4001,
  /** The site is not authorised for this account or method. */
  unauthorized: 4100,
  /** The wallet does not know the chain asked for in wallet_switchEthereumChain (MetaMask convention). */
  unrecognizedChain: 4902,
  /** A request of this kind is already waiting for the user in the wallet (MetaMask convention). */
  requestPending: -32002,
} as const;
