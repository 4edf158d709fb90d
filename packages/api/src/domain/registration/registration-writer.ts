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
 * Group commits in flight at once per API process. One: while a statement runs, every request that arrives
 * joins the next one, so statements are as few and as large as the load allows. (Measured with bench:register:
 * 4 in flight cost ~300 µs of API CPU per accepted request, 1 in flight ~170 µs, for the same latency.)
 */
export const REGISTRATION_WRITES_IN_FLIGHT_MAX = 1;

type TWaiter = {
  input: TRegistrationInput;
  resolve(outcome: TRegistrationOutcome): void;
  reject(error: unknown): void;
};

/**
 * Group commit for POST /api/register: concurrent requests are written together, so accepting costs a
 * fraction of a database round trip per request. There is no timer: a request arriving when a write slot
 * is free is written at once (lowest latency when idle); requests arriving while every slot is busy queue
 * up and go in the next write, so batches grow exactly as fast as load does.
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
    while (this.#inFlight < REGISTRATION_WRITES_IN_FLIGHT_MAX && this.#queue.length > 0) {
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
