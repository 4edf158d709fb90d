import type { TDb } from '../../db/client';
import {
  registerIntentKey,
  type TRegistrationInput,
  type TRegistrationOutcome,
  writeRegistrations,
} from './write-registrations';

/** Most registrations written by one group commit (two statements). */
export const REGISTRATION_WRITE_BATCH_MAX = 500;
/**
 * Group commits in flight at once per API process. The first write starts as soon as a request arrives
 * (lowest latency when idle); a second one starts only once REGISTRATION_EXTRA_WRITE_MIN registrations are
 * waiting, so that PostgreSQL already works on the next statement while this process is busy answering the
 * previous one's requests, yet statements stay large enough to be cheap per row. Measured with
 * bench:register (three paired runs, 100 connections): one in flight, 11,187 / 11,678 / 10,497 req/s
 * (batches of ~49, the write slot busy 98 % of the time while the event loop idled ~20 %); two with this
 * minimum, 14,102 / 13,106 / 11,895 req/s (batches of ~32, event loop ~95 % busy). Two without a minimum made
 * batches of ~21 and lost throughput (10,805 against 12,176 req/s): every statement has a fixed cost on both
 * sides.
 */
export const REGISTRATION_WRITES_IN_FLIGHT_MAX = 2;
/** Registrations that must be waiting before a write starts beside one already in flight. */
export const REGISTRATION_EXTRA_WRITE_MIN = 32;

type TWaiter = {
  input: TRegistrationInput;
  resolve(outcome: TRegistrationOutcome): void;
  reject(error: unknown): void;
};

/**
 * Group commit for POST /api/register: concurrent requests are written together, so accepting costs a
 * fraction of a database round trip per request. There is no timer: a request arriving when no write is in
 * flight is written at once (lowest latency when idle); requests arriving while one is in flight queue up and
 * go in the next write, which starts when a write finishes or, beside the one in flight, once
 * REGISTRATION_EXTRA_WRITE_MIN are waiting. Batches grow exactly as fast as load does.
 *
 * Each request's promise resolves only after its intent is committed (the 202 is never sent before that).
 *
 * @example
 * const writer = new RegistrationWriter(db, (created) => dispatchMints(created));
 * const outcome = await writer.submit({ programId, wallet, ref: null });
 */
export class RegistrationWriter {
  readonly #db: TDb;
  readonly #onCreated: (count: number) => void;
  #queue: TWaiter[] = [];
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(db: TDb, onCreated: (count: number) => void) {
    this.#db = db;
    this.#onCreated = onCreated;
  }

  submit(input: TRegistrationInput): Promise<TRegistrationOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      this.#pump();
    });
  }

  #pump() {
    while (
      this.#queue.length > 0 &&
      this.#inFlight < REGISTRATION_WRITES_IN_FLIGHT_MAX &&
      (this.#inFlight === 0 || this.#queue.length >= REGISTRATION_EXTRA_WRITE_MIN)
    ) {
      const batch = this.#queue.splice(0, REGISTRATION_WRITE_BATCH_MAX);
      this.#inFlight += 1;
      this.#write(batch).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
        if (this.#inFlight === 0 && this.#queue.length === 0)
          for (const resolve of this.#idle.splice(0)) resolve();
      });
    }
  }

  /** Resolves once every submitted registration is written (shutdown: before the database closes). */
  async drain(): Promise<void> {
    if (this.#inFlight === 0 && this.#queue.length === 0) return;
    await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  async #write(batch: TWaiter[]) {
    try {
      const outcomes = await writeRegistrations(
        this.#db,
        batch.map((waiter) => waiter.input),
      );
      let created = 0;
      for (const outcome of outcomes.values()) if (outcome.created) created += 1;
      for (const waiter of batch) {
        const outcome = outcomes.get(registerIntentKey(waiter.input.programId, waiter.input.wallet));
        if (outcome) waiter.resolve(outcome);
        else waiter.reject(new Error(`registration of ${waiter.input.wallet} was not written`));
      }
      if (created > 0) this.#onCreated(created);
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  }
}
