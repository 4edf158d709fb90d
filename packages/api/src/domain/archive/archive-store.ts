import type { Readable } from 'node:stream';

/**
 * Where a verified archive file goes when it should not stay on the local disk: an object store. The archive
 * writes and verifies the file locally first, then `put`s it, reads it back with `get` and verifies those bytes
 * too; only then are the file's rows deleted (and the local copy removed). A copy that does not verify is
 * `remove`d and nothing is deleted.
 */
export type TArchiveStore = {
  /** Where the objects go, for messages and results: `s3://bucket/prefix`. */
  location: string;
  /** Stores the file under `name` (a new object; names are unique); returns the object's URL. */
  put(file: string, name: string): Promise<string>;
  /** The stored object's bytes, as they are now in the store. */
  get(name: string): Promise<Readable>;
  remove(name: string): Promise<void>;
};
