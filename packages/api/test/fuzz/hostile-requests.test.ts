import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TDb } from '../../src/db/client';
import { DEFAULT_PROGRAM_ID } from '../../src/db/migrations/0001-core-schema';
import { recordRevenueSettlement } from '../../src/domain/commissions/record-revenue-settlement';
import type { TPlatform } from '../../src/platform';
import { apiClient, newWallet, registerAffiliateViaApi, signIn, type TApi } from '../support/money-api';
import { startTestPlatform, tempDir } from '../support/platform';
import { signRegistration, type TSignedRegistration } from '../support/registration-proof';

/**
 * The fuzz suite (issue 8): FUZZ_REQUESTS generated invalid or hostile requests across every operation of
 * the OpenAPI document (`/api/openapi.json`, so a new endpoint is covered as soon as it is registered),
 * driven in-process with Fastify's `inject`. Each request is a plausible request for its operation with
 * at least one mutation that makes it invalid for certain (wrong or missing credentials, a required field
 * of the wrong type or missing, malformed or non-object JSON, a body beyond BODY_LIMIT_BYTES, a text body, a
 * path parameter that is not an id) plus hostile noise (extra fields, deep JSON, bad addresses and hex,
 * negative/huge/float amounts, traversal and unicode strings, bad Idempotency-Key values, other principals'
 * keys and ids, forged signatures and SIWE messages). GET requests need no invalid mutation: reading must
 * never change state. Every answer must be < 500, and every table's rows must be unchanged at the end (and
 * at each checkpoint). The seed is printed; `FUZZ_SEED=<n>` replays a run.
 */
const FUZZ_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Requests between two database snapshots (a failing snapshot names the requests since the last one). */
const CHECKPOINT_EVERY = 500;
const BODY_LIMIT_BYTES = 65_536;
const ALICE = 'fuzz-alice-Xq7Lm2Vp9Rt4Kd8Wz3Nb6Hs1';
const BOB = 'fuzz-bob-Jc5Tg0Yw4Pe9Ua2Mf7Qk3Lr8';

/**
 * Tables that legitimately change while the suite runs, left out of the snapshot:
 * - siwe_nonces: POST /api/auth/siwe/nonce hands out a nonce per call (its purpose), and a refused SIWE
 *   verification may consume one;
 * - worker_heartbeats, chain_cursors: the in-process workers of Mock mode beat and follow the chain;
 * - kysely_migration*: written only by migrations.
 */
const VOLATILE_TABLES = new Set([
  'siwe_nonces',
  'worker_heartbeats',
  'chain_cursors',
  'kysely_migration',
  'kysely_migration_lock',
]);

async function snapshot(db: TDb): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`.execute(db);
  const result: Record<string, string> = {};
  for (const { name } of tables.rows) {
    if (VOLATILE_TABLES.has(name)) continue;
    const row = await sql<{ digest: string; n: number }>`
      SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest, count(*)::int8 AS n
        FROM ${sql.table(name)} t`.execute(db);
    result[name] = `${row.rows[0]!.n}:${row.rows[0]!.digest}`;
  }
  return result;
}

type TSchema = {
  type?: string | string[];
  format?: string;
  properties?: Record<string, TSchema>;
  required?: string[];
  items?: TSchema;
  enum?: unknown[];
  anyOf?: TSchema[];
  oneOf?: TSchema[];
  allOf?: TSchema[];
  pattern?: string;
  minimum?: number;
};
type TOperation = {
  method: string;
  path: string;
  secured: boolean;
  pathParams: { name: string; schema: TSchema }[];
  queryParams: { name: string; schema: TSchema; required: boolean }[];
  body: TSchema | null;
};

/** Every operation of the OpenAPI document. */
function operationsOf(document: {
  paths: Record<
    string,
    Record<string, { parameters?: unknown[]; requestBody?: unknown; security?: unknown[] }>
  >;
}): TOperation[] {
  const operations: TOperation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const parameters = (operation.parameters ?? []) as {
        name: string;
        in: string;
        required?: boolean;
        schema: TSchema;
      }[];
      const body = (operation.requestBody as { content?: Record<string, { schema: TSchema }> } | undefined)
        ?.content?.['application/json']?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        secured: (operation.security ?? []).length > 0,
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: p.schema, required: p.required ?? false })),
        body: body ?? null,
      });
    }
  }
  return operations;
}

const typeOf = (schema: TSchema | undefined): string | undefined => {
  if (!schema) return undefined;
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  const alternative = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  return alternative ? typeOf(alternative.find((s) => s.type !== 'null')) : undefined;
};

/** Hostile values: what a careless or malicious client sends where an id, address, amount or name goes. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '../../../../etc/passwd',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%00',
  '\u0000',
  'null',
  'undefined',
  '0x',
  '0xZZZZ',
  `0x${'g'.repeat(40)}`,
  `0x${'0'.repeat(39)}`,
  `0x${'f'.repeat(41)}`,
  `0x${'A'.repeat(40)}`,
  '-1',
  '-100000000',
  '1.5',
  '1e400',
  'NaN',
  'Infinity',
  '99999999999999999999999999999999999999999999999999999999999999999999999999999999',
  "' OR 1=1 --",
  '"; DROP TABLE intents; --',
  '<script>alert(1)</script>',
  '$' + '{jndi:ldap://x}',
  'ℌ𝔢𝔩𝔩𝔬 👾 \u202e\u200b',
  'Ａｄｍｉｎ',
  'x'.repeat(5000),
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '__proto__',
];
const HOSTILE_NUMBERS = [-1, 0, 1.5, -0.000001, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER];

/** A deep JSON value (nested objects `depth` levels down), as text: the parser must not fall over. */
const deepJsonText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

type TFixtures = {
  ids: string[];
  programB: string;
  keyB: string;
  sessionX: string;
  sessionY: string;
  xWallet: string;
  /** X's signed registration in the default program (signature, expiresAt, wallet). */
  xRegistration: TSignedRegistration;
};

/** A value of roughly the right shape for `schema` (the starting point each mutation breaks). */
function plausible(schema: TSchema | undefined, pick: () => number, fixtures: TFixtures, depth = 0): unknown {
  if (!schema || depth > 4) return 'x';
  if (schema.enum) return schema.enum[pick() % schema.enum.length];
  switch (typeOf(schema)) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(name) || pick() % 2 === 0)
          value[name] = plausible(property, pick, fixtures, depth + 1);
      }
      return value;
    }
    case 'array':
      return [plausible(schema.items, pick, fixtures, depth + 1)];
    case 'integer':
    case 'number':
      return 1 + (pick() % 100);
    case 'boolean':
      return pick() % 2 === 0;
    case 'string':
      if (schema.format === 'uuid') return fixtures.ids[pick() % fixtures.ids.length];
      if (schema.pattern?.includes('0-9a-fA-F') || schema.pattern?.includes('0x')) return fixtures.xWallet;
      if (schema.pattern?.includes('0-9')) return String(1 + (pick() % 1000));
      return `fuzz-${pick() % 1000}`;
    default:
      return null;
  }
}

/** A value that is certainly not of the type `schema` names. */
function wrongTyped(schema: TSchema | undefined, pick: () => number): unknown {
  switch (typeOf(schema)) {
    case 'string':
      return [12345, -1, 1.5, true, [], { $gt: '' }, [HOSTILE_STRINGS[pick() % HOSTILE_STRINGS.length]]][
        pick() % 7
      ];
    case 'integer':
    case 'number':
      return ['1', 'NaN', true, [], {}, '1e400', Number.NEGATIVE_INFINITY /* → null in JSON */][pick() % 7];
    case 'boolean':
      return ['true', 1, 0, [], {}][pick() % 5];
    case 'array':
      return ['[]', 1, {}, true][pick() % 4];
    case 'object':
      return ['{}', 1, [], true, 'x'.repeat(100)][pick() % 5];
    default:
      return { unexpected: [1, 2, 3] };
  }
}

type TRequest = {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  label: string;
  /** A write with a breaking mutation: it must be answered 4xx. */
  mustBeRefused: boolean;
};

type TPlan = {
  operation: number;
  breaker: number;
  noise: number[];
  picks: number[];
  hostileString: string;
  hostileNumber: number;
};

/** The request of one generated plan: a plausible request, then a breaking mutation and noise. */
function buildRequest(plan: TPlan, operations: TOperation[], fixtures: TFixtures): TRequest {
  const operation = operations[plan.operation % operations.length]!;
  let cursor = 0;
  const pick = () => plan.picks[cursor++ % plan.picks.length]!;
  const mutations: string[] = [];
  const headers: Record<string, string> = {};
  if (operation.secured) {
    if (operation.path.startsWith('/api/affiliate/')) headers.authorization = `Bearer ${fixtures.sessionX}`;
    else headers['x-admin-key'] = pick() % 2 === 0 ? ALICE : BOB;
  }
  const params: Record<string, string> = {};
  for (const param of operation.pathParams) {
    params[param.name] =
      param.schema.format === 'uuid' ? fixtures.ids[pick() % fixtures.ids.length]! : 'fuzz';
  }
  const query: Record<string, string> = {};
  for (const param of operation.queryParams) {
    if (param.required || pick() % 3 === 0)
      query[param.name] = String(plausible(param.schema, pick, fixtures));
  }
  const body: unknown = operation.body ? plausible(operation.body, pick, fixtures) : undefined;
  // A registration starts from a validly signed one (issue 18's proof of wallet), so what refuses it is the
  // mutation, not a missing signature.
  if (operation.method === 'POST' && /^\/api\/(v2\/programs\/\{programId\}\/)?register$/.test(operation.path))
    Object.assign(body as Record<string, unknown>, fixtures.xRegistration);
  let payload: string | undefined;
  let contentType: string | undefined = operation.body ? 'application/json' : undefined;

  // The breaking mutation: one that makes the request certainly invalid for this operation.
  const required = operation.body?.required ?? [];
  const properties = Object.keys(operation.body?.properties ?? {});
  const uuidParams = operation.pathParams.filter((p) => p.schema.format === 'uuid');
  const breakers: (() => void)[] = [];
  if (operation.secured) {
    breakers.push(() => {
      delete headers['x-admin-key'];
      delete headers.authorization;
      mutations.push('no credentials');
    });
    breakers.push(() => {
      delete headers['x-admin-key'];
      delete headers.authorization;
      const forged = ['x-admin-key', 'authorization', 'authorization'][pick() % 3]!;
      const value = [
        `${ALICE}x`,
        ALICE.slice(0, -1),
        `Bearer sges_${'0'.repeat(43)}`,
        `Bearer ${plan.hostileString}`,
        'Basic YWxpY2U6YWxpY2U=',
        `Bearer sgek_${'a'.repeat(40)}`,
      ][pick() % 6]!;
      headers[forged] = forged === 'x-admin-key' ? value.replace(/^Bearer /, '') : value;
      mutations.push(`forged credentials ${forged}`);
    });
  }
  if (operation.body) {
    if (required.length > 0) {
      breakers.push(() => {
        const field = required[pick() % required.length]!;
        (body as Record<string, unknown>)[field] = wrongTyped(operation.body!.properties?.[field], pick);
        mutations.push(`${field} wrong type`);
      });
      breakers.push(() => {
        const field = required[pick() % required.length]!;
        delete (body as Record<string, unknown>)[field];
        mutations.push(`${field} missing`);
      });
    } else if (properties.length > 0) {
      breakers.push(() => {
        const field = properties[pick() % properties.length]!;
        (body as Record<string, unknown>)[field] = wrongTyped(operation.body!.properties?.[field], pick);
        mutations.push(`${field} wrong type`);
      });
    }
    breakers.push(() => {
      payload = [
        '{"wallet":',
        "{'wallet': 1}",
        '{"a":1,}',
        '\u0000',
        '[',
        `${'['.repeat(20_000)}`,
        '{"__proto__":{"isAdmin":true}',
        'not json at all',
      ][pick() % 8];
      mutations.push('malformed JSON');
    });
    breakers.push(() => {
      payload = ['[]', '1', '"string"', 'true', '[{"wallet":1}]'][pick() % 5];
      mutations.push('body not an object');
    });
    breakers.push(() => {
      payload = JSON.stringify({ ...(body as object), padding: 'x'.repeat(BODY_LIMIT_BYTES + 1) });
      mutations.push('body beyond BODY_LIMIT_BYTES');
    });
    breakers.push(() => {
      contentType = [
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/xml',
        'multipart/form-data; boundary=x',
      ][pick() % 4];
      payload = 'wallet=0x0000000000000000000000000000000000000001&ref=abc';
      mutations.push(`content-type ${contentType}`);
    });
  }
  for (const param of uuidParams) {
    breakers.push(() => {
      params[param.name] = [
        '../../../etc/passwd',
        '..%2F..%2Fadmin',
        encodeURIComponent('ℌ𝔢𝔩𝔩𝔬👾'),
        'x'.repeat(3000),
        '%00',
        '1',
        '-1',
        `${randomUUID()}x`,
        encodeURIComponent("' OR 1=1 --"),
      ][pick() % 9]!;
      mutations.push(`${param.name} not an id`);
    });
  }
  // Noise first (hostile, not necessarily invalid), then the breaking mutation, so noise never undoes it.
  let deepBody = false;
  for (const noise of plan.noise) {
    switch (noise % 9) {
      case 0:
        if (body && typeof body === 'object' && !Array.isArray(body)) {
          Object.assign(body, {
            isAdmin: true,
            role: 'admin',
            programId: fixtures.programB,
            [`x${pick()}`]: 1,
          });
          mutations.push('extra fields');
        }
        break;
      case 1:
        if (body && typeof body === 'object' && properties.length > 0) {
          (body as Record<string, unknown>)[properties[pick() % properties.length]!] = plan.hostileString;
          mutations.push('hostile string');
        }
        break;
      case 2:
        if (body && typeof body === 'object' && properties.length > 0) {
          (body as Record<string, unknown>)[properties[pick() % properties.length]!] = [
            plan.hostileNumber,
            String(plan.hostileNumber),
            HOSTILE_NUMBERS[pick() % HOSTILE_NUMBERS.length],
          ][pick() % 3];
          mutations.push('hostile amount');
        }
        break;
      case 3:
        headers['idempotency-key'] = [
          '',
          ' ',
          'x'.repeat(300),
          'ключ',
          'a\tb',
          plan.hostileString.slice(0, 50),
        ][pick() % 6]!.replace(/[\r\n]/g, '');
        mutations.push('bad Idempotency-Key');
        break;
      case 4:
        if (operation.secured && !operation.path.startsWith('/api/affiliate/')) {
          headers['x-admin-key'] = fixtures.keyB;
          mutations.push("other program's key");
        } else if (operation.secured) {
          headers.authorization = `Bearer ${fixtures.sessionY}`;
          mutations.push("other affiliate's session");
        }
        break;
      case 5:
        for (const name of Object.keys(query)) query[name] = plan.hostileString;
        query[HOSTILE_STRINGS[pick() % HOSTILE_STRINGS.length]!.slice(0, 20) || 'q'] = plan.hostileString;
        mutations.push('hostile query');
        break;
      case 6:
        if (body && typeof body === 'object' && properties.length > 0) {
          (body as Record<string, unknown>)[properties[pick() % properties.length]!] = JSON.parse(
            deepJsonText(500),
          );
          mutations.push('deep JSON');
        }
        break;
      case 7:
        if (operation.body && body && typeof body === 'object' && !Array.isArray(body)) {
          deepBody = true;
          mutations.push('deep JSON body');
        }
        break;
      case 8:
        if (operation.body && body && typeof body === 'object') {
          (body as Record<string, unknown>).signature = `0x${'ab'.repeat(65)}`;
          (body as Record<string, unknown>).message =
            `localhost wants you to sign in with your Ethereum account:\n${fixtures.xWallet}\n\nURI: http://evil\nVersion: 1\nChain ID: 1\nNonce: ${plan.hostileString.slice(0, 20)}\nIssued At: 2020-01-01T00:00:00Z`;
          mutations.push('forged signature / SIWE message');
        }
        break;
    }
  }

  // An operation with nothing to break (no body, no id, no declared security, e.g. a logout) is sent with a
  // forged session: it may answer 2xx, but a token that matches nothing can change nothing.
  const unbreakable = operation.method !== 'GET' && breakers.length === 0;
  if (unbreakable) {
    headers.authorization = `Bearer sges_${'0'.repeat(43)}`;
    mutations.push('forged session');
  } else if (operation.method !== 'GET') {
    breakers[plan.breaker % breakers.length]!();
  }

  let path = operation.path;
  for (const [name, value] of Object.entries(params))
    path = path.replace(`{${name}}`, value).replace(`:${name}`, value);
  const search = new URLSearchParams(query).toString();
  if (operation.body && payload === undefined) {
    payload = JSON.stringify(body);
    if (deepBody) payload = `{"deep":${deepJsonText(5000)},${payload.slice(1)}`;
  }
  if (contentType) headers['content-type'] = contentType;
  return {
    method: operation.method,
    url: search ? `${path}?${search}` : path,
    headers,
    payload,
    label: `${operation.method} ${operation.path} [${mutations.join(', ') || 'read'}]`,
    mustBeRefused: operation.method !== 'GET' && !unbreakable,
  };
}

describe('fuzz: hostile requests to every endpoint of the OpenAPI document', () => {
  const dataDir = tempDir();
  let platform: TPlatform;
  let api: TApi;
  let db: TDb;
  let operations: TOperation[];
  let fixtures: TFixtures;

  beforeAll(async () => {
    platform = await startTestPlatform({
      DATA_DIR: dataDir.path,
      ADMIN_API_KEYS: `alice:${ALICE},bob:${BOB}`,
      RATE_LIMIT_PER_IP_PER_MINUTE: '10000000',
      REGISTER_RATE_LIMIT_PER_WALLET_PER_MINUTE: '10000000',
      BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    });
    api = apiClient(platform.url!);
    db = platform.runtime.database.db;
    const chainId = platform.runtime.chain.chainId;

    // Fixtures: a second program with its own key, affiliates with sessions, an intent, a settlement with
    // commissions, a payout batch awaiting approval — ids and keys of other principals to aim at.
    const programB = await api('POST', '/api/admin/programs', {
      key: ALICE,
      body: { slug: 'fuzz-b', name: 'Fuzz B', minPayoutMicroUsd: '1', holdPeriodSeconds: 0 },
    });
    expect(programB.status).toBe(201);
    const keyB = await api('POST', `/api/admin/programs/${programB.body.id}/api-keys`, {
      key: ALICE,
      body: { name: 'fuzz-b-key' },
    });
    expect(keyB.status).toBe(201);
    // Money settings apply once a second admin approves them (issue 17's maker-checker).
    const moneySettings = await api('PATCH', `/api/admin/programs/${DEFAULT_PROGRAM_ID}`, {
      key: ALICE,
      body: { holdPeriodSeconds: 0, minPayoutMicroUsd: '1' },
    });
    expect(moneySettings.status).toBe(202);
    const approvedSettings = await api(
      'POST',
      `/api/admin/changes/${moneySettings.body.pendingChange.id}/approve`,
      { key: BOB },
    );
    expect(approvedSettings.status).toBe(200);
    const x = newWallet();
    const y = newWallet();
    const ax = await registerAffiliateViaApi(api, x, { programId: DEFAULT_PROGRAM_ID, code: 'FUZZX' });
    const ay = await registerAffiliateViaApi(api, y, {
      programId: DEFAULT_PROGRAM_ID,
      code: 'FUZZY',
      parentCode: 'FUZZX',
    });
    expect([ax.status, ay.status]).toEqual([201, 201]);
    const sessionX = (await signIn(api, x, { programId: DEFAULT_PROGRAM_ID, chainId })).token;
    const sessionY = (await signIn(api, y, { programId: DEFAULT_PROGRAM_ID, chainId })).token;
    expect(sessionX && sessionY).toBeTruthy();
    const registered = await api('POST', '/api/register', {
      body: await signRegistration({ account: newWallet(), ref: 'FUZZY' }),
    });
    expect(registered.status).toBe(202);
    const payer = newWallet().address;
    await db
      .insertInto('users')
      .values({ program_id: DEFAULT_PROGRAM_ID, wallet: payer, referred_by_affiliate_id: ay.body.id })
      .execute();
    const intent = await db
      .insertInto('intents')
      .values({
        program_id: DEFAULT_PROGRAM_ID,
        type: 'COMMERCE_PAYMENT',
        idempotency_key: `fuzz:${randomUUID()}`,
        wallet: payer,
        status: 'CONFIRMED',
        payload: {},
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const settlement = await recordRevenueSettlement(db, {
      programId: DEFAULT_PROGRAM_ID,
      intentId: intent.id,
      kind: 'COMMERCE_PAYMENT',
      wallet: payer,
      amount: 250_000_000n,
      currency: 'USD',
      providerRef: 'fuzz-charge',
      occurredAt: new Date(Date.now() - 86_400_000),
    });
    const { matureCommissions } = await import('../../src/domain/commissions/mature-commissions');
    await matureCommissions(db, new Date());
    const batch = await api('POST', '/api/admin/payout-batches', {
      key: ALICE,
      body: { programId: DEFAULT_PROGRAM_ID },
    });
    expect(batch.status).toBe(201);
    // Let the registration settle so that the workers leave the tables alone while the suite runs.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const open = await db
        .selectFrom('intents')
        .select('id')
        .where('status', 'in', ['PENDING', 'PROCESSING'])
        .execute();
      if (open.length === 0) break;
      if (Date.now() > deadline) throw new Error('fixture registration did not settle');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    fixtures = {
      ids: [
        DEFAULT_PROGRAM_ID,
        programB.body.id,
        keyB.body.id,
        ax.body.id,
        ay.body.id,
        registered.body.intentId,
        intent.id,
        settlement.settlement.id,
        settlement.commissions[0]?.id ?? randomUUID(),
        batch.body.id,
        randomUUID(),
      ],
      programB: programB.body.id,
      keyB: keyB.body.key,
      sessionX,
      sessionY,
      xWallet: x.address,
      xRegistration: await signRegistration({ account: x }),
    };

    const document = await platform.server!.inject({ method: 'GET', url: '/api/openapi.json' });
    operations = operationsOf(document.json());
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
    dataDir.remove();
  });

  it(`${FUZZ_REQUESTS} hostile requests: no 5xx, nothing changed`, async () => {
    process.stdout.write(
      `fuzz seed ${FUZZ_SEED} (replay: FUZZ_SEED=${FUZZ_SEED}); ${operations.length} operations\n`,
    );
    expect(operations.length).toBeGreaterThan(20);
    const before = await snapshot(db);
    const server = platform.server!;
    const statuses: Record<number, number> = {};
    const covered = new Set<string>();
    let sinceCheckpoint: string[] = [];
    let sent = 0;
    const plan = fc.record({
      operation: fc.nat(),
      breaker: fc.nat(),
      noise: fc.array(fc.nat({ max: 8 }), { maxLength: 3 }),
      picks: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      hostileString: fc.oneof(
        fc.constantFrom(...HOSTILE_STRINGS),
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
      ),
      hostileNumber: fc.oneof(
        fc.constantFrom(...HOSTILE_NUMBERS),
        fc.double(),
        fc.integer({ min: -(2 ** 31), max: -1 }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(plan, async (generated) => {
        const request = buildRequest(generated, operations, fixtures);
        const response = await server.inject({
          method: request.method as 'GET',
          url: request.url,
          headers: request.headers,
          payload: request.payload,
        });
        sent += 1;
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        covered.add(request.label.slice(0, request.label.indexOf(' [')));
        sinceCheckpoint.push(`${request.label} → ${response.statusCode}`);
        if (response.statusCode >= 500) {
          throw new Error(`${request.label} answered ${response.statusCode}: ${response.body.slice(0, 500)}`);
        }
        if (request.mustBeRefused && response.statusCode < 400) {
          throw new Error(
            `${request.label} was accepted (${response.statusCode}): ${response.body.slice(0, 300)}`,
          );
        }
        if (sent % CHECKPOINT_EVERY === 0) {
          const now = await snapshot(db);
          const changed = Object.keys(before).filter((table) => before[table] !== now[table]);
          if (changed.length > 0)
            throw new Error(
              `tables changed: ${changed.join(', ')}; since the last checkpoint:\n${sinceCheckpoint.join('\n')}`,
            );
          sinceCheckpoint = [];
        }
      }),
      { numRuns: FUZZ_REQUESTS, seed: FUZZ_SEED, endOnFailure: true },
    );
    const after = await snapshot(db);
    expect(after).toEqual(before);
    process.stdout.write(
      `fuzz statuses ${JSON.stringify(statuses)}; operations covered ${covered.size}/${operations.length}\n`,
    );
    expect(covered.size).toBe(operations.length);
  }, 600_000);
});
