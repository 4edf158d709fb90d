import type { TRegisterResponse, TWalletStatus } from '@sge/shared';
import { describe, expect, it } from 'vitest';
import {
  REGISTRATION_POLL_BACKOFF_MAX_MS,
  REGISTRATION_POLL_DURATION_MAX_MS,
  REGISTRATION_POLL_INTERVAL_MS,
} from '../limits';
import {
  INITIAL_REGISTRATION_STATE,
  nextPollDelayMs,
  pollExpired,
  progressSteps,
  registrationReducer,
  type TRegistrationEvent,
  type TRegistrationState,
} from './registration-progress';

const WALLET = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const OTHER_WALLET = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const INTENT_ID = '4b9d6f0e-3c1a-4f5e-9a8b-2c7d1e0f3a4b';
const TOKEN_ID = BigInt(WALLET).toString();
const TX_HASH = `0x${'ab'.repeat(32)}`;
const AT_MS = 1_000_000;

function walletStatus(
  registration: Partial<TWalletStatus['registration']>,
  payment: Omit<TWalletStatus['payment'], 'provider'> = { required: false, paid: false },
): TWalletStatus {
  return {
    wallet: WALLET,
    programId: '00000000-0000-4000-8000-000000000001',
    registration: {
      status: 'NOT_REGISTERED',
      intentId: null,
      tokenId: null,
      txHash: null,
      explorerTxUrl: null,
      explorerTokenUrl: null,
      referredBy: null,
      reason: null,
      ...registration,
    },
    payment: { ...payment, provider: 'coinbase-commerce' },
    claim: { status: 'UNCLAIMED', claimedAt: null },
  };
}

const CONFIRMED = walletStatus({
  status: 'CONFIRMED',
  intentId: INTENT_ID,
  tokenId: TOKEN_ID,
  txHash: TX_HASH,
  explorerTxUrl: `https://etherscan.io/tx/${TX_HASH}`,
  referredBy: 'ALPHA',
});

/** Runs `events` from the initial state. */
function run(...events: TRegistrationEvent[]): TRegistrationState {
  return events.reduce(registrationReducer, INITIAL_REGISTRATION_STATE);
}

const selectWallet: TRegistrationEvent = { type: 'wallet-changed', wallet: WALLET };
const received = (status: TWalletStatus, atMs = AT_MS): TRegistrationEvent => ({
  type: 'status-received',
  wallet: WALLET,
  status,
  atMs,
});
const submitted: TRegistrationEvent = { type: 'submitted', wallet: WALLET };
const registerAnswer = (response: Partial<TRegisterResponse>): TRegistrationEvent => ({
  type: 'register-received',
  wallet: WALLET,
  response: { intentId: INTENT_ID, status: 'PENDING', wallet: WALLET, ...response },
  atMs: AT_MS,
});

describe('registrationReducer', () => {
  it('checks a wallet as soon as the form holds one, and forgets it when the form is cleared', () => {
    expect(run(selectWallet)).toEqual({ status: 'checking', wallet: WALLET });
    expect(run(selectWallet, { type: 'wallet-changed', wallet: null })).toEqual({ status: 'no-wallet' });
  });

  it('offers to register a wallet that is not registered, noting an unpaid payment gate', () => {
    expect(run(selectWallet, received(walletStatus({})))).toEqual({
      status: 'ready',
      wallet: WALLET,
      paymentRequired: false,
      checkError: null,
    });
    const gated = run(selectWallet, received(walletStatus({}, { required: true, paid: false })));
    expect(gated).toMatchObject({ status: 'ready', paymentRequired: true });
    const paid = run(selectWallet, received(walletStatus({}, { required: true, paid: true })));
    expect(paid).toMatchObject({ status: 'ready', paymentRequired: false });
  });

  it('shows an already registered wallet at once, with its links and referrer', () => {
    expect(run(selectWallet, received(CONFIRMED))).toEqual({
      status: 'minted',
      wallet: WALLET,
      alreadyRegistered: true,
      intentId: INTENT_ID,
      tokenId: TOKEN_ID,
      txHash: TX_HASH,
      details: {
        explorerTxUrl: `https://etherscan.io/tx/${TX_HASH}`,
        explorerTokenUrl: null,
        referredBy: 'ALPHA',
      },
    });
  });

  it('resumes following a mint that is already under way when the page is opened', () => {
    expect(
      run(selectWallet, received(walletStatus({ status: 'PROCESSING', intentId: INTENT_ID }))),
    ).toMatchObject({
      status: 'waiting',
      step: 'minting',
      intentId: INTENT_ID,
      startedAtMs: AT_MS,
    });
  });

  it('lets the user register when the check fails, keeping the error to mention', () => {
    const error = new Error('offline');
    expect(run(selectWallet, { type: 'status-failed', wallet: WALLET, error })).toEqual({
      status: 'ready',
      wallet: WALLET,
      paymentRequired: false,
      checkError: error,
    });
  });

  it('goes Accepted → Minting → Minted while polling, and ends with the links and referrer', () => {
    const ready = run(selectWallet, received(walletStatus({})));
    const submitting = registrationReducer(ready, submitted);
    expect(submitting).toEqual({ status: 'submitting', wallet: WALLET });

    const accepted = registrationReducer(submitting, registerAnswer({ status: 'PENDING' }));
    expect(accepted).toEqual({
      status: 'waiting',
      wallet: WALLET,
      step: 'accepted',
      intentId: INTENT_ID,
      startedAtMs: AT_MS,
      failures: 0,
      lastError: null,
      polls: 0,
    });

    const minting = registrationReducer(
      accepted,
      received(walletStatus({ status: 'PROCESSING', intentId: INTENT_ID })),
    );
    expect(minting).toMatchObject({ status: 'waiting', step: 'minting', polls: 1, startedAtMs: AT_MS });

    const minted = registrationReducer(minting, received(CONFIRMED));
    expect(minted).toMatchObject({
      status: 'minted',
      alreadyRegistered: false,
      tokenId: TOKEN_ID,
      details: { referredBy: 'ALPHA' },
    });
  });

  it('keeps waiting when a poll still says NOT_REGISTERED right after the 202', () => {
    const accepted = run(selectWallet, received(walletStatus({})), submitted, registerAnswer({}));
    expect(registrationReducer(accepted, received(walletStatus({})))).toMatchObject({
      status: 'waiting',
      step: 'accepted',
      polls: 1,
    });
  });

  it('counts failed polls for the back-off and resets the count on the next answer', () => {
    const accepted = run(selectWallet, received(walletStatus({})), submitted, registerAnswer({}));
    const error = new Error('timeout');
    const failedTwice = [1, 2].reduce(
      (state) => registrationReducer(state, { type: 'status-failed', wallet: WALLET, error }),
      accepted,
    );
    expect(failedTwice).toMatchObject({ status: 'waiting', failures: 2, lastError: error, polls: 2 });
    expect(registrationReducer(failedTwice, received(walletStatus({ status: 'PENDING' })))).toMatchObject({
      failures: 0,
      lastError: null,
      polls: 3,
    });
  });

  it('shows the result of a 200 at once and completes it with the links from the status', () => {
    const minted = run(
      selectWallet,
      submitted,
      registerAnswer({ status: 'CONFIRMED', tokenId: TOKEN_ID, txHash: TX_HASH }),
    );
    expect(minted).toEqual({
      status: 'minted',
      wallet: WALLET,
      alreadyRegistered: true,
      intentId: INTENT_ID,
      tokenId: TOKEN_ID,
      txHash: TX_HASH,
      details: null,
    });
    expect(registrationReducer(minted, received(CONFIRMED))).toMatchObject({
      details: { referredBy: 'ALPHA', explorerTxUrl: `https://etherscan.io/tx/${TX_HASH}` },
    });
    // Without the status the result stays, just without links.
    expect(
      registrationReducer(minted, { type: 'status-failed', wallet: WALLET, error: new Error('x') }),
    ).toMatchObject({ tokenId: TOKEN_ID, details: { explorerTxUrl: null, referredBy: null } });
  });

  it('ends in failed with the reason, from a poll or from a 200', () => {
    const accepted = run(selectWallet, received(walletStatus({})), submitted, registerAnswer({}));
    expect(
      registrationReducer(
        accepted,
        received(walletStatus({ status: 'FAILED', intentId: INTENT_ID, reason: 'reverted' })),
      ),
    ).toEqual({ status: 'failed', wallet: WALLET, intentId: INTENT_ID, reason: 'reverted' });
    expect(run(selectWallet, submitted, registerAnswer({ status: 'FAILED', reason: 'gone' }))).toEqual({
      status: 'failed',
      wallet: WALLET,
      intentId: INTENT_ID,
      reason: 'gone',
    });
  });

  it('keeps a refused registration for the page to explain, and lets the user try again', () => {
    const error = new Error('402');
    const rejected = run(selectWallet, received(walletStatus({})), submitted, {
      type: 'register-failed',
      wallet: WALLET,
      error,
      atMs: AT_MS,
    });
    expect(rejected).toEqual({ status: 'rejected', wallet: WALLET, error, atMs: AT_MS });
    expect(registrationReducer(rejected, submitted)).toEqual({ status: 'submitting', wallet: WALLET });
  });

  it('stops polling after the time limit and resumes when asked, with a fresh limit', () => {
    const accepted = run(
      selectWallet,
      received(walletStatus({})),
      submitted,
      registerAnswer({ status: 'PROCESSING' }),
    );
    const stalled = registrationReducer(accepted, { type: 'poll-expired', wallet: WALLET });
    expect(stalled).toEqual({ status: 'stalled', wallet: WALLET, step: 'minting', intentId: INTENT_ID });
    expect(registrationReducer(stalled, { type: 'resume', wallet: WALLET, atMs: AT_MS + 5 })).toMatchObject({
      status: 'waiting',
      step: 'minting',
      startedAtMs: AT_MS + 5,
      failures: 0,
    });
  });

  it('ignores answers about a wallet the form no longer holds', () => {
    const checkingOther = run(selectWallet, { type: 'wallet-changed', wallet: OTHER_WALLET });
    expect(registrationReducer(checkingOther, received(CONFIRMED))).toBe(checkingOther);
    const submittingOther = registrationReducer(checkingOther, { type: 'submitted', wallet: OTHER_WALLET });
    expect(registrationReducer(submittingOther, registerAnswer({ status: 'CONFIRMED' }))).toBe(
      submittingOther,
    );
  });

  it('ignores events that do not apply to the current state', () => {
    const minted = run(selectWallet, received(CONFIRMED));
    expect(registrationReducer(minted, submitted)).toBe(minted);
    expect(registrationReducer(minted, registerAnswer({}))).toBe(minted);
    expect(registrationReducer(minted, { type: 'poll-expired', wallet: WALLET })).toBe(minted);
    const noWallet = run();
    expect(registrationReducer(noWallet, submitted)).toBe(noWallet);
  });
});

describe('nextPollDelayMs', () => {
  it('polls every interval while all is well', () => {
    expect(nextPollDelayMs(0)).toBe(REGISTRATION_POLL_INTERVAL_MS);
  });

  it('doubles the wait per consecutive failure up to the cap', () => {
    expect(nextPollDelayMs(1)).toBe(2 * REGISTRATION_POLL_INTERVAL_MS);
    expect(nextPollDelayMs(3)).toBe(8 * REGISTRATION_POLL_INTERVAL_MS);
    expect(nextPollDelayMs(10)).toBe(REGISTRATION_POLL_BACKOFF_MAX_MS);
    expect(nextPollDelayMs(10_000)).toBe(REGISTRATION_POLL_BACKOFF_MAX_MS);
  });
});

describe('pollExpired', () => {
  it('expires exactly at the limit', () => {
    expect(pollExpired(AT_MS, AT_MS + REGISTRATION_POLL_DURATION_MAX_MS - 1)).toBe(false);
    expect(pollExpired(AT_MS, AT_MS + REGISTRATION_POLL_DURATION_MAX_MS)).toBe(true);
  });
});

describe('progressSteps', () => {
  it('marks each step done, current or upcoming', () => {
    const accepted = run(selectWallet, submitted, registerAnswer({ status: 'PENDING' }));
    expect(progressSteps(accepted)).toEqual({ accepted: 'current', minting: 'upcoming', minted: 'upcoming' });
    const minting = run(selectWallet, submitted, registerAnswer({ status: 'PROCESSING' }));
    expect(progressSteps(minting)).toEqual({ accepted: 'done', minting: 'current', minted: 'upcoming' });
    expect(progressSteps(run(selectWallet, received(CONFIRMED)))).toEqual({
      accepted: 'done',
      minting: 'done',
      minted: 'done',
    });
  });

  it('shows no steps before a registration is under way or after it failed', () => {
    expect(progressSteps(run())).toBeNull();
    expect(progressSteps(run(selectWallet))).toBeNull();
    expect(progressSteps(run(selectWallet, submitted, registerAnswer({ status: 'FAILED' })))).toBeNull();
  });
});
