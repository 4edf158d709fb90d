import { REGISTRATION_PROOF_TTL_SECONDS_DEFAULT, registrationTypedData } from '@sge/shared';
import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { Hex } from 'viem';
import { api } from '../api/api';
import { ApiError, apiErrorCode } from '../api/api-error';
import type { TWallet } from '../wallet/wallet-session';
import {
  INITIAL_REGISTRATION_STATE,
  nextPollDelayMs,
  pollExpired,
  registrationReducer,
  type TRegistrationState,
} from './registration-progress';

/**
 * Runs the Register page's state machine (registration-progress.ts) against the API: checks the wallet in
 * the form, submits, polls GET /api/status while the SGE-ID is minted, and fetches the result's links.
 *
 * Idempotency keys: `register-<32 hex digits>`, random per registration attempt. A retry of an attempt whose
 * answer never arrived (network failure, timeout, 5xx, still in progress) reuses the key with the same body,
 * so the API answers it from its stored response; any other answer ends the attempt, and the next click
 * gets a new key (a stored 402 or 429 must not be replayed after the user paid or waited).
 */

function randomIdempotencyKey(): string {
  // crypto.getRandomValues works on plain-http origins too (a phone testing against a LAN address), unlike
  // crypto.randomUUID, which needs a secure context.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `register-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** Whether a failed POST may not have been decided by the API, so that a retry must reuse its key. */
function outcomeUnknown(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  const { failure } = error;
  if (failure.kind === 'network' || failure.kind === 'timeout') return true;
  if (failure.kind === 'http') return failure.status >= 500;
  if (failure.kind === 'api') {
    return failure.status >= 500 || apiErrorCode(error) === 'IDEMPOTENCY_REQUEST_IN_PROGRESS';
  }
  return false;
}

export interface TRegistration {
  state: TRegistrationState;
  /** Sends the registration for the current wallet; does nothing unless the state is `checking`, `ready` or `rejected`. */
  submit(): void;
  /** Resumes polling after it stopped (`stalled`). */
  resume(): void;
}

/**
 * @example
 * const { state, submit } = useRegistration({ wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', ref: 'ALPHA' });
 */
export function useRegistration({
  wallet,
  ref,
  signer = null,
}: {
  /**
   * The connected wallet, which signs the registration (issue 18's proof of wallet: one prompt; Mock mode's dev
   * wallet signs silently). Null, or another wallet than `wallet`: the registration is refused before sending.
   */
  signer?: TWallet | null;
  /** The checksummed address in the form, or null when it holds none. */
  wallet: string | null;
  /** The referral to send, or undefined. */
  ref: string | undefined;
}): TRegistration {
  const [state, dispatch] = useReducer(registrationReducer, wallet, (initialWallet) =>
    registrationReducer(INITIAL_REGISTRATION_STATE, { type: 'wallet-changed', wallet: initialWallet }),
  );

  useEffect(() => dispatch({ type: 'wallet-changed', wallet }), [wallet]);

  // GET /api/status whenever the state asks for it: at once to check a new wallet or to fetch a result's
  // links, after the poll delay while waiting for the mint. Each answer changes the state, which schedules
  // the next poll; leaving the state (or the page) cancels the pending one.
  useEffect(() => {
    const needsStatus =
      state.status === 'checking' ||
      state.status === 'waiting' ||
      (state.status === 'minted' && state.details === null);
    if (!needsStatus) return;
    const current = state.wallet;
    const controller = new AbortController();
    const delayMs = state.status === 'waiting' ? nextPollDelayMs(state.failures) : 0;
    const timer = setTimeout(() => {
      if (state.status === 'waiting' && pollExpired(state.startedAtMs, Date.now())) {
        dispatch({ type: 'poll-expired', wallet: current });
        return;
      }
      api.getWalletStatus(current, { signal: controller.signal }).then(
        (status) => dispatch({ type: 'status-received', wallet: current, status, atMs: Date.now() }),
        (error: unknown) => {
          if (!controller.signal.aborted) dispatch({ type: 'status-failed', wallet: current, error });
        },
      );
    }, delayMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [state]);

  const attemptRef = useRef<{
    body: string;
    key: string;
    /** The signature of this attempt, reused by its retries (a new one would be another body for its key). */
    proof?: { signature: Hex; expiresAt: number };
    /** This attempt's solved proof-of-work challenge (`altcha`), once the program asked for one. */
    altcha?: string;
  } | null>(null);
  const signerRef = useRef(signer);
  signerRef.current = signer;
  const stateRef = useRef(state);
  stateRef.current = state;

  const submit = useCallback(() => {
    const current = stateRef.current;
    if (current.status !== 'ready' && current.status !== 'rejected' && current.status !== 'checking') return;
    const registeredWallet = current.wallet;
    const body = ref === undefined ? { wallet: registeredWallet } : { wallet: registeredWallet, ref };
    const bodyJson = JSON.stringify(body);
    if (attemptRef.current?.body !== bodyJson)
      attemptRef.current = { body: bodyJson, key: randomIdempotencyKey() };
    const attempt = attemptRef.current;

    dispatch({ type: 'submitted', wallet: registeredWallet });
    const failed = (error: unknown) => {
      if (attemptRef.current === attempt && !outcomeUnknown(error)) attemptRef.current = null;
      dispatch({ type: 'register-failed', wallet: registeredWallet, error, atMs: Date.now() });
    };
    // Not cancelled when the page goes away: once sent, the registration should be allowed to complete.
    signedRegistration(signerRef.current, body, attempt).then(
      (signedBody) => send(signedBody),
      (error: unknown) => failed(error),
    );
    const send = (signedBody: typeof body & { signature?: Hex; expiresAt?: number }): Promise<void> =>
      api
        .register(attempt.altcha === undefined ? signedBody : { ...signedBody, altcha: attempt.altcha }, {
          idempotencyKey: attempt.key,
        })
        .then(
          (response) => {
            if (attemptRef.current === attempt) attemptRef.current = null;
            dispatch({ type: 'register-received', wallet: registeredWallet, response, atMs: Date.now() });
          },
          (error: unknown) => {
            // The program has a proof-of-work gate (the API says so, as it does not list its gates): solve a
            // challenge for this wallet and send again, once, under a new key (the 403 is stored under the
            // first). Retries of this attempt reuse the solution, as they reuse the signature.
            if (apiErrorCode(error) !== 'CHALLENGE_REQUIRED' || attempt.altcha !== undefined)
              return failed(error);
            return solvedChallenge(registeredWallet).then((altcha) => {
              attempt.altcha = altcha;
              attempt.key = randomIdempotencyKey();
              return send(signedBody);
            }, failed);
          },
        );
  }, [ref]);

  const resume = useCallback(() => {
    const current = stateRef.current;
    if (current.status === 'stalled') dispatch({ type: 'resume', wallet: current.wallet, atMs: Date.now() });
  }, []);

  return { state, submit, resume };
}

/**
 * A solved proof-of-work challenge for `wallet` (the registration's `altcha`). The solver (altcha-lib) is
 * loaded only when a program asks for it, so the first page does not carry it.
 */
async function solvedChallenge(wallet: string): Promise<string> {
  const [challenge, { solveRegistrationChallenge }] = await Promise.all([
    api.getRegistrationChallenge(wallet),
    import('./solve-registration-challenge'),
  ]);
  return await solveRegistrationChallenge(challenge);
}

/** The registration's program (POST /api/register without ?programId= registers in the default program). */
const DEFAULT_PROGRAM_ID = '00000000-0000-4000-8000-000000000001';
/** A signature kept for retries is replaced when it has less than this left. */
const PROOF_REUSE_MARGIN_SECONDS = 60;

/**
 * The body signed by its wallet (EIP-712, `registrationTypedData`) when the connected wallet is the one being
 * registered. A retry of the same attempt reuses its signature while it is valid.
 */
async function signedRegistration(
  signer: TWallet | null,
  body: { wallet: string; ref?: string },
  attempt: { proof?: { signature: Hex; expiresAt: number } },
): Promise<{ wallet: string; ref?: string; signature?: Hex; expiresAt?: number }> {
  // A wallet typed in without being connected cannot sign: the API decides (a program that asks no proof
  // accepts it; otherwise its answer, e.g. a gate's refusal or REGISTRATION_SIGNATURE_REQUIRED, is shown).
  if (signer === null || signer.address.toLowerCase() !== body.wallet.toLowerCase()) return body;
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (!attempt.proof || attempt.proof.expiresAt < nowSeconds + PROOF_REUSE_MARGIN_SECONDS) {
    const expiresAt = nowSeconds + REGISTRATION_PROOF_TTL_SECONDS_DEFAULT;
    const signature = await signer.signTypedData(
      registrationTypedData({
        programId: DEFAULT_PROGRAM_ID,
        wallet: signer.address,
        referral: body.ref ?? '',
        chainId: signer.chainId,
        expiresAt,
      }),
    );
    attempt.proof = { signature, expiresAt };
  }
  return { ...body, ...attempt.proof };
}
