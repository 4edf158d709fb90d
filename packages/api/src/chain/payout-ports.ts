import type { Address, Hex, TypedDataDefinition } from 'viem';

/**
 * The chain boundary of payouts, as the payout use cases see it (domain/payouts/*). The relayer implements
 * the senders (chain/payout-sender.ts), viem the approval checks (chain/payout-approval-checks.ts); the
 * composition root hands them to the use cases, tests hand anvil-backed ones (test/support/payout-chain.ts).
 * They live here, below the domain, so that the adapters need not import the use cases they serve.
 */

/** What the chain boundary is asked to do: pay every recipient of one batch in one transaction. */
export type TPayoutTransactionRequest = {
  batchId: string;
  /** The batch id the payout contract records (uint256): the batch uuid's 128 bits. */
  onChainBatchId: bigint;
  programId: string;
  /** The payout contract the approvers signed for. */
  payoutContract: Address;
  /** The ERC-20 paid (USDC). */
  token: Address;
  recipients: Address[];
  /** Smallest units of the token, one per recipient, all positive. */
  amounts: bigint[];
  total: bigint;
  /** The approvals' deadline (unix seconds). */
  deadline: bigint;
  /** The two approvers' EIP-712 signatures, the creator's first. */
  approvals: { approver: Address; signature: Hex }[];
};

/** A payment the payout contract skipped (its transfer failed), by its index in the request's arrays. */
export type TSkippedPayment = { index: number; recipient: Address; amount: bigint; reason: string };

export type TPayoutTransactionReceipt = { txHash: Hex; blockNumber: bigint; skipped: TSkippedPayment[] };

/**
 * Pays one batch (the relayer implements it). It returns only once the transaction that
 * pays the batch is confirmed, or throws. It must be safe to call again for the same batch at any time —
 * after a crash, a timeout, or a successful payment whose confirmation was never recorded: it first asks
 * the payout contract whether `onChainBatchId` was paid (`batchPaidBlock`) and, if so, returns that
 * payment's transaction (with the payments it skipped) instead of paying again. The contract refuses a
 * second payment of a batch id anyway (SGEPayoutBatchAlreadyPaid), so nothing can be paid twice.
 */
export type TSendPayoutTransaction = (
  request: TPayoutTransactionRequest,
) => Promise<TPayoutTransactionReceipt>;

/**
 * The chain boundary of a cancellation: makes a batch id unpayable on the payout contract
 * (SGEPayout.voidBatch), and answers whether it was paid instead. Idempotent.
 */
export type TVoidPayoutBatch = (input: {
  batchId: string;
  payoutContract: Address;
  onChainBatchId: bigint;
}) => Promise<{ voided: true; txHash: Hex | null } | { voided: false; paidTxHash: Hex }>;

/** The chain checks an approval needs (the API wires them to the chain; tests to anvil). */
export type TPayoutApprovalChecks = {
  /** Whether `signature` is `signer`'s signature of `typedData`: ECDSA for an EOA, ERC-1271 for a contract. */
  verifySignature(input: {
    signer: Address;
    typedData: TypedDataDefinition;
    signature: Hex;
  }): Promise<boolean>;
  /** Whether the payout contract lists `signer` as an approver (SGEPayout.isApprover). */
  isApprover(input: { payoutContract: Address; signer: Address }): Promise<boolean>;
};
