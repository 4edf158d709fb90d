import type { TRegisterResponse, TWalletStatus } from '@sge/shared';
import {
  REGISTRATION_POLL_BACKOFF_MAX_MS,
  REGISTRATION_POLL_DURATION_MAX_MS,
  REGISTRATION_POLL_INTERVAL_MS,
} from '../limits';

/**
 * The Register page's state machine, pure: what the page shows for the wallet in the form, from checking
 * whether it is already registered, through submitting and the mint, to the result. The hook
 * (use-registration.ts) performs the requests these states call for and feeds the answers back as events.
 *
 *   no-wallet ─wallet─▶ checking ─NOT_REGISTERED─▶ ready ─submit─▶ submitting ─202─▶ waiting ─CONFIRMED─▶ minted
 *                          │                                           │   ▲            │  └──FAILED──▶ failed
 *                          └─PENDING/PROCESSING─▶ waiting              │   └─resume─ stalled (polled too long)
 *                          └─CONFIRMED─▶ minted (already registered)   └─4xx/network─▶ rejected ─submit─▶ …
 *
 * Every event names the wallet it is about; an event for another wallet than the current one (an answer
 * that arrives after the user changed the address) is ignored.
 */

/** The three steps the user sees: the API accepted the request, the relayer is minting, the SGE-ID exists. */
export type TProgressStep = 'accepted' | 'minting' | 'minted';

/** Links and attribution that only GET /api/status reports (the 200 of POST /api/register has none). */
export interface TMintDetails {
  explorerTxUrl: string | null;
  explorerTokenUrl: string | null;
  /** The affiliate code the registration is attributed to, or null. */
  referredBy: string | null;
}

export type TRegistrationState =
  /** The form holds no valid address. */
  | { status: 'no-wallet' }
  /** Asking GET /api/status whether the wallet is already registered. */
  | { status: 'checking'; wallet: string }
  /**
   * Not registered: the Register button is live. `paymentRequired` is true when the program wants a payment
   * first and the wallet has not paid; `checkError` is set when the check failed (registering still works).
   */
  | { status: 'ready'; wallet: string; paymentRequired: boolean; checkError: unknown }
  /** POST /api/register is in flight. */
  | { status: 'submitting'; wallet: string }
  /**
   * The intent is committed; polling GET /api/status. `failures` counts consecutive failed polls (for the
   * back-off), `lastError` is the latest one, `startedAtMs` bounds the polling.
   */
  | {
      status: 'waiting';
      wallet: string;
      step: 'accepted' | 'minting';
      intentId: string | null;
      startedAtMs: number;
      failures: number;
      lastError: unknown;
      /** Bumped on every poll answer, so that the hook schedules the next poll even if nothing else changed. */
      polls: number;
    }
  /** Polled for REGISTRATION_POLL_DURATION_MAX_MS without a final answer; the user can resume. */
  | { status: 'stalled'; wallet: string; step: 'accepted' | 'minting'; intentId: string | null }
  /** The SGE-ID exists. `details` is null until GET /api/status has answered. */
  | {
      status: 'minted';
      wallet: string;
      /** True when the wallet had its SGE-ID before this visit's request (found by the check, or a 200). */
      alreadyRegistered: boolean;
      intentId: string | null;
      /** Decimal string, as the API sends it (token ids exceed Number's range). */
      tokenId: string | null;
      txHash: string | null;
      details: TMintDetails | null;
    }
  /** The mint failed for good; only an operator can retry it. */
  | { status: 'failed'; wallet: string; intentId: string | null; reason: string | null }
  /** POST /api/register did not register: an API error (402, 409, 429, 400, ...) or no answer. */
  | { status: 'rejected'; wallet: string; error: unknown; atMs: number };

type TWaitingState = Extract<TRegistrationState, { status: 'waiting' }>;

export type TRegistrationEvent =
  | { type: 'wallet-changed'; wallet: string | null }
  | { type: 'status-received'; wallet: string; status: TWalletStatus; atMs: number }
  | { type: 'status-failed'; wallet: string; error: unknown }
  | { type: 'submitted'; wallet: string }
  | { type: 'register-received'; wallet: string; response: TRegisterResponse; atMs: number }
  | { type: 'register-failed'; wallet: string; error: unknown; atMs: number }
  | { type: 'poll-expired'; wallet: string }
  | { type: 'resume'; wallet: string; atMs: number };

export const INITIAL_REGISTRATION_STATE: TRegistrationState = { status: 'no-wallet' };

function currentWallet(state: TRegistrationState): string | null {
  return state.status === 'no-wallet' ? null : state.wallet;
}

function waiting(
  wallet: string,
  step: 'accepted' | 'minting',
  intentId: string | null,
  startedAtMs: number,
): TWaitingState {
  return { status: 'waiting', wallet, step, intentId, startedAtMs, failures: 0, lastError: null, polls: 0 };
}

function detailsOf(status: TWalletStatus): TMintDetails {
  const { explorerTxUrl, explorerTokenUrl, referredBy } = status.registration;
  return { explorerTxUrl, explorerTokenUrl, referredBy };
}

/** The state a wallet status puts the page in, except NOT_REGISTERED, which depends on where we came from. */
function fromRegistration(
  wallet: string,
  status: TWalletStatus,
  atMs: number,
  alreadyRegistered: boolean,
): Exclude<TRegistrationState, { status: 'no-wallet' | 'checking' }> | null {
  const registration = status.registration;
  switch (registration.status) {
    case 'NOT_REGISTERED':
      return null;
    case 'PENDING':
      return waiting(wallet, 'accepted', registration.intentId, atMs);
    case 'PROCESSING':
      return waiting(wallet, 'minting', registration.intentId, atMs);
    case 'CONFIRMED':
      return {
        status: 'minted',
        wallet,
        alreadyRegistered,
        intentId: registration.intentId,
        tokenId: registration.tokenId,
        txHash: registration.txHash,
        details: detailsOf(status),
      };
    case 'FAILED':
      return { status: 'failed', wallet, intentId: registration.intentId, reason: registration.reason };
  }
}

/** The state an answer of POST /api/register puts the page in (202: waiting; 200: the final result). */
function fromRegisterResponse(wallet: string, response: TRegisterResponse, atMs: number): TRegistrationState {
  switch (response.status) {
    case 'PENDING':
      return waiting(wallet, 'accepted', response.intentId, atMs);
    case 'PROCESSING':
      return waiting(wallet, 'minting', response.intentId, atMs);
    case 'CONFIRMED':
      // A 200: the wallet had its SGE-ID already. The links and referrer come from GET /api/status next.
      return {
        status: 'minted',
        wallet,
        alreadyRegistered: true,
        intentId: response.intentId,
        tokenId: response.tokenId ?? null,
        txHash: response.txHash ?? null,
        details: null,
      };
    case 'FAILED':
      return { status: 'failed', wallet, intentId: response.intentId, reason: response.reason ?? null };
  }
}

/**
 * The next state. Pure; events that do not apply to the current state leave it unchanged (the same object,
 * so React skips the render).
 *
 * @example
 * registrationReducer({ status: 'no-wallet' }, { type: 'wallet-changed', wallet: '0xAb…' })
 * // { status: 'checking', wallet: '0xAb…' }
 */
export function registrationReducer(
  state: TRegistrationState,
  event: TRegistrationEvent,
): TRegistrationState {
  if (event.type === 'wallet-changed') {
    if (event.wallet === currentWallet(state)) return state;
    return event.wallet === null ? { status: 'no-wallet' } : { status: 'checking', wallet: event.wallet };
  }
  if (event.wallet !== currentWallet(state)) return state;
  const { wallet } = event;

  switch (event.type) {
    case 'status-received': {
      const next = fromRegistration(wallet, event.status, event.atMs, state.status === 'checking');
      if (state.status === 'checking') {
        return (
          next ?? {
            status: 'ready',
            wallet,
            paymentRequired: event.status.payment.required && !event.status.payment.paid,
            checkError: null,
          }
        );
      }
      if (state.status === 'waiting') {
        // NOT_REGISTERED after a 202 cannot last (the intent is committed); keep waiting.
        if (next === null || next.status === 'waiting') {
          return {
            ...state,
            step: next?.status === 'waiting' ? next.step : state.step,
            intentId: next?.status === 'waiting' ? (next.intentId ?? state.intentId) : state.intentId,
            failures: 0,
            lastError: null,
            polls: state.polls + 1,
          };
        }
        return next;
      }
      if (state.status === 'minted' && state.details === null && next?.status === 'minted') {
        return {
          ...state,
          tokenId: next.tokenId ?? state.tokenId,
          txHash: next.txHash ?? state.txHash,
          intentId: next.intentId ?? state.intentId,
          details: next.details,
        };
      }
      return state;
    }

    case 'status-failed':
      if (state.status === 'checking') {
        return { status: 'ready', wallet, paymentRequired: false, checkError: event.error };
      }
      if (state.status === 'waiting') {
        return { ...state, failures: state.failures + 1, lastError: event.error, polls: state.polls + 1 };
      }
      // A failed details lookup after a 200 leaves the result without links; the token id is what matters.
      if (state.status === 'minted' && state.details === null) {
        return { ...state, details: { explorerTxUrl: null, explorerTokenUrl: null, referredBy: null } };
      }
      return state;

    case 'submitted':
      // Allowed while the check is still running: a slow check must not hold the user up, and the POST
      // answers an already registered wallet with its result anyway.
      return state.status === 'ready' || state.status === 'rejected' || state.status === 'checking'
        ? { status: 'submitting', wallet }
        : state;

    case 'register-received':
      return state.status === 'submitting' ? fromRegisterResponse(wallet, event.response, event.atMs) : state;

    case 'register-failed':
      return state.status === 'submitting'
        ? { status: 'rejected', wallet, error: event.error, atMs: event.atMs }
        : state;

    case 'poll-expired':
      return state.status === 'waiting'
        ? { status: 'stalled', wallet, step: state.step, intentId: state.intentId }
        : state;

    case 'resume':
      return state.status === 'stalled' ? waiting(wallet, state.step, state.intentId, event.atMs) : state;
  }
}

/**
 * How long to wait before the next poll: REGISTRATION_POLL_INTERVAL_MS normally, doubled for every
 * consecutive failure (2 s, 4 s, 8 s, ...) up to REGISTRATION_POLL_BACKOFF_MAX_MS.
 *
 * @example nextPollDelayMs(0) // 1000
 * @example nextPollDelayMs(3) // 8000
 */
export function nextPollDelayMs(failures: number): number {
  // 2 ** 30 already exceeds any cap; the exponent is bounded so the arithmetic stays exact.
  const exponent = Math.min(Math.max(0, failures), 30);
  return Math.min(REGISTRATION_POLL_INTERVAL_MS * 2 ** exponent, REGISTRATION_POLL_BACKOFF_MAX_MS);
}

/** Whether polling has run out of time. */
export function pollExpired(startedAtMs: number, nowMs: number): boolean {
  return nowMs - startedAtMs >= REGISTRATION_POLL_DURATION_MAX_MS;
}

/**
 * Where each step stands, for the progress list: done, the current one, or still to come. Null outside the
 * states that show progress.
 */
export function progressSteps(
  state: TRegistrationState,
): Readonly<Record<TProgressStep, 'done' | 'current' | 'upcoming'>> | null {
  switch (state.status) {
    case 'submitting':
      return { accepted: 'upcoming', minting: 'upcoming', minted: 'upcoming' };
    case 'waiting':
    case 'stalled':
      return state.step === 'accepted'
        ? { accepted: 'current', minting: 'upcoming', minted: 'upcoming' }
        : { accepted: 'done', minting: 'current', minted: 'upcoming' };
    case 'minted':
      return { accepted: 'done', minting: 'done', minted: 'done' };
    default:
      return null;
  }
}
