import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { AppError } from '../../domain/app-error';
import type { TRuntime } from '../../runtime';
import type { TApp } from '../server';

/**
 * `Idempotency-Key` for POST routes that opt in with `config: { idempotency: true }` (SPEC §6):
 * - the first request with a key runs and its response (any status below 500) is stored;
 * - a repeat with the same key and the same body gets the stored response with `Idempotency-Replayed: true`;
 * - the same key with a different body is 409 IDEMPOTENCY_KEY_REUSED;
 * - a repeat while the first is still running waits for its response (up to IDEMPOTENCY_WAIT_MS) and gets
 *   it replayed; past that it is 409 IDEMPOTENCY_REQUEST_IN_PROGRESS (retry shortly);
 * - a 5xx is not stored, so the client may retry with the same key.
 * Keys are scoped by method and route (`POST /api/register`), stored in idempotency_keys, and claimed with
 * INSERT ... ON CONFLICT, so two replicas receiving the same key at once still run the request once.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** A claimed key with no stored response after this long is taken to be abandoned (its process died). */
export const IDEMPOTENCY_ABANDONED_MS = 60_000;
/** A repeat arriving while the first request still runs waits this long for its response, then gets 409. */
export const IDEMPOTENCY_WAIT_MS = 5_000;
const IDEMPOTENCY_POLL_MS = 25;

declare module 'fastify' {
  interface FastifyContextConfig {
    idempotency?: boolean;
  }
  interface FastifyRequest {
    idempotency?: { scope: string; key: string };
  }
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([request.params ?? null, request.query ?? null, request.body ?? null]))
    .digest('hex');
}

export function registerIdempotency(app: TApp, runtime: TRuntime) {
  const { db } = runtime.database;

  /** Claims the request's key, or answers it from the stored response (then resolves true: replayed). */
  const claimOrReplay = async (
    request: FastifyRequest,
    reply: FastifyReply,
    header: unknown,
  ): Promise<boolean> => {
    if (typeof header !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(header)) {
      throw new AppError(
        'BAD_REQUEST',
        'Idempotency-Key header must be 1 to 255 printable ASCII characters',
        {
          details: { field: 'headers.idempotency-key' },
        },
      );
    }
    const scope = `${request.method} ${request.routeOptions.url}`;
    const hash = requestHash(request);
    const claimed = await db
      .insertInto('idempotency_keys')
      .values({ scope, key: header, request_hash: hash })
      .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (claimed) {
      request.idempotency = { scope, key: header };
      return false;
    }
    const deadline = Date.now() + IDEMPOTENCY_WAIT_MS;
    for (;;) {
      const existing = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('scope', '=', scope)
        .where('key', '=', header)
        .executeTakeFirst();
      if (!existing) {
        // Deleted after our insert attempt (its request failed with a 5xx): the client may retry.
        throw new AppError(
          'IDEMPOTENCY_REQUEST_IN_PROGRESS',
          'a request with this Idempotency-Key failed; retry it',
        );
      }
      if (existing.request_hash !== hash) {
        throw new AppError(
          'IDEMPOTENCY_KEY_REUSED',
          'this Idempotency-Key was used with a different request body',
          {
            details: { field: 'headers.idempotency-key' },
          },
        );
      }
      if (existing.status_code !== null) {
        reply.header('idempotency-replayed', 'true');
        reply.status(existing.status_code).send(existing.response);
        return true;
      }
      const abandoned = Date.now() - new Date(existing.created_at).getTime() > IDEMPOTENCY_ABANDONED_MS;
      if (abandoned) {
        // Taken over by one request only: the first UPDATE makes the row fresh again for every other.
        // (Compared in SQL: the stored timestamp has microseconds, a JavaScript Date only milliseconds.)
        const taken = await sql`
          UPDATE idempotency_keys SET created_at = now()
           WHERE scope = ${scope} AND key = ${header} AND status_code IS NULL
             AND created_at <= now() - ${IDEMPOTENCY_ABANDONED_MS}::int * interval '1 millisecond'`.execute(
          db,
        );
        if (Number(taken.numAffectedRows ?? 0) === 1) {
          request.idempotency = { scope, key: header };
          return false;
        }
      }
      if (Date.now() > deadline) {
        throw new AppError(
          'IDEMPOTENCY_REQUEST_IN_PROGRESS',
          'a request with this Idempotency-Key is still running; retry shortly',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, IDEMPOTENCY_POLL_MS));
    }
  };

  /** Stores the response of a request that claimed its key (a 5xx releases the key instead). */
  const storeResponse = async (
    claim: { scope: string; key: string },
    reply: FastifyReply,
    payload: unknown,
  ) => {
    if (reply.statusCode >= 500) {
      await db
        .deleteFrom('idempotency_keys')
        .where('scope', '=', claim.scope)
        .where('key', '=', claim.key)
        .execute();
      return;
    }
    let body: unknown = null;
    try {
      body = typeof payload === 'string' ? JSON.parse(payload) : null;
    } catch {
      body = payload;
    }
    await db
      .updateTable('idempotency_keys')
      .set({ status_code: reply.statusCode, response: JSON.stringify(body) })
      .where('scope', '=', claim.scope)
      .where('key', '=', claim.key)
      .execute();
  };

  // Callback hooks with a synchronous way out: they run on every request, and most requests carry no key (an
  // async hook would cost each a promise and a microtask).
  app.addHook('preHandler', (request, reply, done) => {
    const header = request.headers['idempotency-key'];
    if (!request.routeOptions.config.idempotency || header === undefined) return done();
    claimOrReplay(request, reply, header).then((replayed) => {
      if (!replayed) done();
    }, done);
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const claim = request.idempotency;
    if (!claim || reply.getHeader('idempotency-replayed')) return done(null, payload);
    storeResponse(claim, reply, payload).then(() => done(null, payload), done);
  });
}
