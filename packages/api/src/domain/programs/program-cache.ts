import type { TDb } from '../../db/client';
import type { TProgram } from '../../db/schema';
import { getProgram } from './get-program';

/** How long a program read is reused by hot paths (registration): a pause takes effect within this. */
export const PROGRAM_CACHE_MS = 1_000;

/**
 * Programs for hot request paths, read at most once per PROGRAM_CACHE_MS per process. Admin changes
 * (pause, fee) reach every replica within that time without a cache bus.
 */
export class ProgramCache {
  readonly #db: TDb;
  readonly #entries = new Map<string, { at: number; program: Promise<TProgram> }>();

  constructor(db: TDb) {
    this.#db = db;
  }

  get(programId: string): Promise<TProgram> {
    const cached = this.#entries.get(programId);
    if (cached && Date.now() - cached.at < PROGRAM_CACHE_MS) return cached.program;
    const program = getProgram(this.#db, programId);
    program.catch(() => this.#entries.delete(programId));
    this.#entries.set(programId, { at: Date.now(), program });
    return program;
  }
}
