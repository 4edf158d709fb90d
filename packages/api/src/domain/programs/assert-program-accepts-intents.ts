import type { TProgram } from '../../db/schema';
import { AppError } from '../app-error';

/**
 * A paused (or archived) program accepts no new intents (SPEC §4): registration, claims and payments call
 * this before creating one.
 *
 * @throws AppError PROGRAM_PAUSED (409) naming the program and its status.
 * @example
 * assertProgramAcceptsIntents(await getProgram(db, programId));
 */
export function assertProgramAcceptsIntents(program: Pick<TProgram, 'id' | 'slug' | 'status'>): void {
  if (program.status === 'ACTIVE') return;
  throw new AppError(
    'PROGRAM_PAUSED',
    `program "${program.slug}" is ${program.status.toLowerCase()} and accepts no new requests`,
    { details: { programId: program.id, status: program.status } },
  );
}
