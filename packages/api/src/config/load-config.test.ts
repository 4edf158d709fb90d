import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANVIL_MNEMONIC } from '@sge/contracts';
import { mnemonicToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/platform';
import { renderEnvExample } from './env-example';
import { ConfigError, DEV_ADMIN_KEY, DEV_ADMIN_KEY_2, devPrivateKey, loadConfig } from './load-config';
import { findRepoRoot } from './repo-root';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

/** Two keys as `npm run wallet:new` makes them (32 random bytes, base64url). */
const STRONG_KEY_A = 'Qm9L3xv7TqYc2uR8ZpW1nJd5sKf0aHgE4bV6yXtNwMc';
const STRONG_KEY_B = 'r7Vq2LpX9dK4mZsT1bN8cW3yHfJ6gUeA0oRiQxEvDkY';

const REAL_KEY = '0x1111111111111111111111111111111111111111111111111111111111111111';
const REAL_ENV = {
  MOCK_MODE: 'false',
  DATABASE_URL: 'postgresql://sge@db:5432/sge',
  REDIS_URL: 'redis://cache:6379',
  RPC_URL: 'https://rpc.example/v2/key',
  RELAYER_PRIVATE_KEY: REAL_KEY,
};

describe('loadConfig', () => {
  it('defaults to Mock mode with development keys, port 3000 and the two demo admins with wallets', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('MOCK');
    expect(config.role).toBe('all');
    expect(config.http.port).toBe(3000);
    expect(config.http.appOrigins).toEqual(['http://localhost:5173']);
    expect(config.chain.relayerPrivateKey).toBe(devPrivateKey(1));
    expect(config.admin.keys).toEqual([
      {
        name: 'dev',
        key: DEV_ADMIN_KEY,
        wallet: mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 7 }).address,
      },
      {
        name: 'dev2',
        key: DEV_ADMIN_KEY_2,
        wallet: mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 8 }).address,
      },
    ]);
    expect(config.admin.manualPaymentApprovalThresholdMicroUsd).toBe(1_000_000_000n);
    expect(config.contractAddressAllowlist).toEqual([]);
    expect(config.chain.balanceWarningWei).toBe(100_000_000_000_000_000n);
  });

  it('names DATABASE_URL, REDIS_URL, RPC_URL and RELAYER_PRIVATE_KEY when MOCK_MODE=false and nothing else is set', () => {
    const error = (() => {
      try {
        loadConfig({ MOCK_MODE: 'false' });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('loadConfig accepted an empty Real configuration');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((p) => p.variable).sort()).toEqual(
      ['DATABASE_URL', 'REDIS_URL', 'RELAYER_PRIVATE_KEY', 'RPC_URL'].sort(),
    );
    // Each problem says what the variable is for.
    expect(error.message).toContain(
      'DATABASE_URL: is required when MOCK_MODE=false. It is: PostgreSQL connection string',
    );
    expect(error.message).toContain('RELAYER_PRIVATE_KEY: is required');
  });

  it('reports every malformed variable at once, not just the first', () => {
    const problems = problemsOf({
      ...REAL_ENV,
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      RPC_URL: 'not a url',
      TREASURY_ADDRESS: '0x123',
      LOG_LEVEL: 'loud',
      MOCK_MODE: 'maybe',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT',
        'DATABASE_URL',
        'RPC_URL',
        'TREASURY_ADDRESS',
        'LOG_LEVEL',
        'MOCK_MODE',
      ]),
    );
  });

  it('accepts a complete Real configuration and checksums addresses', () => {
    const config = loadConfig({
      ...REAL_ENV,
      TREASURY_ADDRESS: '0x8ba1f109551bd432803012645ac136ddd64dba72',
    });
    expect(config.mode).toBe('REAL');
    expect(config.chain.treasuryAddress).toBe('0x8ba1f109551bD432803012645Ac136ddd64DBA72');
    expect(config.chain.relayerPrivateKey).toBe(REAL_KEY);
  });

  it('reads a secret from NAME_FILE and refuses NAME and NAME_FILE together', () => {
    const dir = tempDir();
    try {
      const file = join(dir.path, 'relayer-key');
      writeFileSync(file, `${REAL_KEY}\n`);
      const { RELAYER_PRIVATE_KEY: _omitted, ...rest } = REAL_ENV;
      expect(loadConfig({ ...rest, RELAYER_PRIVATE_KEY_FILE: file }).chain.relayerPrivateKey).toBe(REAL_KEY);
      expect(problemsOf({ ...REAL_ENV, RELAYER_PRIVATE_KEY_FILE: file })).toEqual([
        'RELAYER_PRIVATE_KEY_FILE',
      ]);
      expect(problemsOf({ ...rest, RELAYER_PRIVATE_KEY_FILE: join(dir.path, 'missing') })).toEqual(
        expect.arrayContaining(['RELAYER_PRIVATE_KEY_FILE']),
      );
    } finally {
      dir.remove();
    }
  });

  it('refuses development secrets, a missing treasury and missing admin keys in Production', () => {
    const problems = problemsOf({
      ...REAL_ENV,
      NODE_ENV: 'production',
      RELAYER_PRIVATE_KEY: devPrivateKey(1),
      DEPLOYER_PRIVATE_KEY: devPrivateKey(0),
      ADMIN_API_KEYS: `dev:${DEV_ADMIN_KEY}`,
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'RELAYER_PRIVATE_KEY',
        'DEPLOYER_PRIVATE_KEY',
        'ADMIN_API_KEYS',
        'TREASURY_ADDRESS',
      ]),
    );
    expect(
      problemsOf({
        ...REAL_ENV,
        NODE_ENV: 'production',
        TREASURY_ADDRESS: '0x8ba1f109551bD432803012645Ac136ddd64DBA72',
      }),
    ).toEqual(['ADMIN_API_KEYS']);
  });

  it('accepts a clean Production configuration', () => {
    const config = loadConfig({
      ...REAL_ENV,
      NODE_ENV: 'production',
      TREASURY_ADDRESS: '0x8ba1f109551bD432803012645Ac136ddd64DBA72',
      ADMIN_API_KEYS: `alice:${STRONG_KEY_A},bob:${STRONG_KEY_B}`,
      COINBASE_COMMERCE_WEBHOOK_SHARED_SECRET: 'whsec-real',
      CHAIN_ID: '1',
    });
    expect(config.mode).toBe('PRODUCTION');
    expect(config.chain.expectedChainId).toBe(1);
    expect(config.admin.keys.map((k) => k.name)).toEqual(['alice', 'bob']);
  });

  it('takes RECONCILIATION_SCHEDULE as a cron expression in UTC or off, and names anything else', () => {
    expect(loadConfig({}).workers.reconciliationSchedule).toBe('0 2 * * *');
    expect(loadConfig({ RECONCILIATION_SCHEDULE: '*/15 * * * *' }).workers.reconciliationSchedule).toBe(
      '*/15 * * * *',
    );
    expect(loadConfig({ RECONCILIATION_SCHEDULE: 'off' }).workers.reconciliationSchedule).toBeNull();
    expect(problemsOf({ RECONCILIATION_SCHEDULE: 'never' })).toEqual(['RECONCILIATION_SCHEDULE']);
  });

  it('parses admin keys and refuses duplicate names or malformed pairs', () => {
    expect(problemsOf({ ADMIN_API_KEYS: 'alice:key-one-long,alice:key-two-long' })).toEqual([
      'ADMIN_API_KEYS',
    ]);
    expect(problemsOf({ ADMIN_API_KEYS: 'no-colon-here' })).toEqual(['ADMIN_API_KEYS']);
    expect(loadConfig({ ADMIN_API_KEY: 'single-key-123' }).admin.keys).toEqual([
      { name: 'admin', key: 'single-key-123', wallet: null },
    ]);
  });

  it('reads an admin’s optional wallet, checksummed, and refuses a bad address or two admins sharing one', () => {
    const wallet = '0x8ba1f109551bd432803012645ac136ddd64dba72';
    expect(
      loadConfig({ ADMIN_API_KEYS: `alice:key-one-long:${wallet},bob:key:with:colons` }).admin.keys,
    ).toEqual([
      { name: 'alice', key: 'key-one-long', wallet: '0x8ba1f109551bD432803012645Ac136ddd64DBA72' },
      { name: 'bob', key: 'key:with:colons', wallet: null },
    ]);
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (caught) {
        return (caught as ConfigError).problems.map((p) => `${p.variable}: ${p.problem}`);
      }
      return [];
    };
    expect(problems({ ADMIN_API_KEYS: 'alice:key-one-long:0x1234' })).toEqual([
      'ADMIN_API_KEYS: entry 1: the wallet "0x1234" is not a 20-byte hex address with a valid checksum',
    ]);
    // A mixed-case address whose checksum is wrong is a typo, not a wallet.
    expect(
      problems({ ADMIN_API_KEYS: 'alice:key-one-long:0x8BA1f109551bD432803012645Ac136ddd64DBA72' }),
    ).toEqual([expect.stringContaining('entry 1: the wallet')]);
    expect(
      problems({
        ADMIN_API_KEYS: `alice:key-one-long:${wallet},bob:key-two-long:0x8ba1f109551bD432803012645Ac136ddd64DBA72`,
      }),
    ).toEqual([
      'ADMIN_API_KEYS: admins "alice" and "bob" share the wallet 0x8ba1f109551bD432803012645Ac136ddd64DBA72; each admin needs their own',
    ]);
  });

  it('reads the manual payment approval threshold and the contract address allowlist, and names bad values', () => {
    const config = loadConfig({
      MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD: '5000000',
      CONTRACT_ADDRESS_ALLOWLIST:
        '0x8ba1f109551bd432803012645ac136ddd64dba72, 0x00000000000000000000000000000000000A11cE',
    });
    expect(config.admin.manualPaymentApprovalThresholdMicroUsd).toBe(5_000_000n);
    expect(config.contractAddressAllowlist).toEqual([
      '0x8ba1f109551bD432803012645Ac136ddd64DBA72',
      '0x00000000000000000000000000000000000A11cE',
    ]);
    expect(problemsOf({ MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD: '1.5' })).toEqual([
      'MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD',
    ]);
    // Above the largest manual payment there would be nothing left to approve.
    expect(problemsOf({ MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD: '1000000000001' })).toEqual([
      'MANUAL_PAYMENT_APPROVAL_THRESHOLD_MICRO_USD',
    ]);
    expect(
      problemsOf({ CONTRACT_ADDRESS_ALLOWLIST: '0x8ba1f109551bd432803012645ac136ddd64dba72,nope' }),
    ).toEqual(['CONTRACT_ADDRESS_ALLOWLIST']);
  });
});

describe('TRUST_PROXY', () => {
  it('takes a hop count or proxy addresses, and refuses true outside Mock mode with how to set it', () => {
    expect(loadConfig({ ...REAL_ENV, TRUST_PROXY: '1' }).http.trustProxy).toBe(1);
    expect(loadConfig({ ...REAL_ENV, TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).http.trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(loadConfig({ ...REAL_ENV }).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    for (const env of [REAL_ENV, { ...REAL_ENV, NODE_ENV: 'production' }]) {
      try {
        loadConfig({ ...env, TRUST_PROXY: 'true' });
        throw new Error('TRUST_PROXY=true was accepted outside Mock mode');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems.map((p) => p.variable)).toContain('TRUST_PROXY');
        expect((error as Error).message).toMatch(/TRUST_PROXY: .*hop count.*addresses/);
      }
    }
  });
});

describe('admin credentials outside Mock mode', () => {
  const messageOf = (env: Record<string, string>): string => {
    try {
      loadConfig(env);
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    return '';
  };

  it('reads DATABASE_READ_URL in Real mode and names a bad one, or one set in Mock mode', () => {
    expect(loadConfig(REAL_ENV).database.readUrl).toBeNull();
    const replica = 'postgresql://sge@replica:5432/sge';
    expect(loadConfig({ ...REAL_ENV, DATABASE_READ_URL: replica }).database.readUrl).toBe(replica);
    expect(() => loadConfig({ ...REAL_ENV, DATABASE_READ_URL: 'mysql://replica/sge' })).toThrow(
      /DATABASE_READ_URL: must be a postgres: or postgresql: URL/,
    );
    expect(problemsOf({ ...REAL_ENV, DATABASE_READ_URL: 'not a url' })).toEqual(['DATABASE_READ_URL']);
    expect(problemsOf({ DATABASE_READ_URL: replica })).toEqual(['DATABASE_READ_URL']);
  });

  it('reads ARCHIVE_URL as a bucket and prefix or a directory with the AWS_* client settings, and names bad ones', () => {
    expect(loadConfig(REAL_ENV).archive).toEqual({
      target: { kind: 'file', dir: null },
      s3: { endpoint: null, region: 'us-east-1', credentials: null },
    });
    const s3 = loadConfig({
      ...REAL_ENV,
      ARCHIVE_URL: 's3://sge-archive/prod/intents',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9000',
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    }).archive;
    expect(s3).toEqual({
      target: { kind: 's3', bucket: 'sge-archive', prefix: 'prod/intents/' },
      s3: {
        endpoint: 'http://127.0.0.1:9000',
        region: 'eu-central-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      },
    });
    expect(loadConfig({ ...REAL_ENV, ARCHIVE_URL: 's3://sge-archive' }).archive.target).toEqual({
      kind: 's3',
      bucket: 'sge-archive',
      prefix: '',
    });
    expect(loadConfig({ ...REAL_ENV, ARCHIVE_URL: 'file:///var/lib/sge/archive' }).archive.target).toEqual({
      kind: 'file',
      dir: '/var/lib/sge/archive',
    });
    expect(problemsOf({ ...REAL_ENV, ARCHIVE_URL: 'https://bucket/x' })).toEqual(['ARCHIVE_URL']);
    expect(problemsOf({ ...REAL_ENV, ARCHIVE_URL: 's3://Bad_Bucket/x' })).toEqual(['ARCHIVE_URL']);
    expect(problemsOf({ ...REAL_ENV, ARCHIVE_URL: 's3://key:secret@bucket/x' })).toEqual(['ARCHIVE_URL']);
    expect(problemsOf({ ...REAL_ENV, AWS_ENDPOINT_URL: 'ftp://minio' })).toEqual(['AWS_ENDPOINT_URL']);
    expect(problemsOf({ ...REAL_ENV, AWS_REGION: 'EU Central' })).toEqual(['AWS_REGION']);
    expect(problemsOf({ ...REAL_ENV, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' })).toEqual(['AWS_SECRET_ACCESS_KEY']);
    expect(problemsOf({ ...REAL_ENV, AWS_SECRET_ACCESS_KEY: 'secret' })).toEqual(['AWS_ACCESS_KEY_ID']);
  });

  it('gives Real mode without admin keys no admin key at all (no dev-admin-key fallback)', () => {
    expect(loadConfig(REAL_ENV).admin.keys).toEqual([]);
    // Mock mode's fallback: the two demo admins, each with a wallet (anvil accounts #7 and #8).
    expect(loadConfig({}).admin.keys.map(({ name, key }) => ({ name, key }))).toEqual([
      { name: 'dev', key: DEV_ADMIN_KEY },
      { name: 'dev2', key: 'dev-admin-key-2' },
    ]);
  });

  it('refuses every example key .env.example ships and the development key, in Real and in Production', () => {
    const examples = /^ADMIN_API_KEYS=(.*)$/m.exec(renderEnvExample())![1]!;
    for (const env of [
      REAL_ENV,
      { ...REAL_ENV, NODE_ENV: 'production', TREASURY_ADDRESS: '0x8ba1f109551bD432803012645Ac136ddd64DBA72' },
    ]) {
      const message = messageOf({ ...env, ADMIN_API_KEYS: examples });
      expect(message).toContain('admin "alice" key is a published example');
      expect(message).toContain('admin "bob" key is a published example');
      expect(message).toContain('npm run wallet:new');
      expect(messageOf({ ...env, ADMIN_API_KEY: DEV_ADMIN_KEY })).toContain(
        'is a published example or development key',
      );
    }
  });

  it('refuses a 24-a key, a short key and a repeated pattern, saying how to generate one', () => {
    const cases = {
      [`a:${'a'.repeat(24)}`]: 'bits of entropy, under 128',
      'b:Short-Key-123': 'bits of entropy, under 128',
      [`c:${'Ab1!'.repeat(10)}`]: 'repeats a few characters',
    };
    for (const [entry, problem] of Object.entries(cases)) {
      const message = messageOf({ ...REAL_ENV, ADMIN_API_KEYS: entry });
      expect(message).toContain(problem);
      expect(message).toContain('npm run wallet:new');
    }
  });

  it('accepts random keys: 32 bytes in base64url and 16 bytes in hex', () => {
    expect(
      loadConfig({ ...REAL_ENV, ADMIN_API_KEYS: `a:${STRONG_KEY_A},b:0f3a9c41d27e85b6a0c4f19e3d7b2856` })
        .admin.keys,
    ).toHaveLength(2);
  });
});

describe('.env.example', () => {
  it('documents every variable the configuration reads, exactly as generated from the variable table', () => {
    const committed = readFileSync(join(findRepoRoot(), 'packages', 'api', '.env.example'), 'utf8');
    expect(committed).toBe(renderEnvExample());
  });
});
