import { describeDatabaseRules } from '../../test/support/database-rules';
import { createTestPostgres } from '../../test/support/postgres';
import { openDatabase } from './client';

describeDatabaseRules('PostgreSQL', async () => {
  const postgres = await createTestPostgres();
  return { database: await openDatabase({ kind: 'postgres', url: postgres.url }), cleanup: postgres.drop };
});
