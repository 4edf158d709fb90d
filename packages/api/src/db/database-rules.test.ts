import { describeDatabaseRules } from '../../test/support/database-rules';
import { openDatabase } from './client';

describeDatabaseRules('the embedded database (PGlite)', async () => ({
  database: await openDatabase({ kind: 'pglite', dataDir: null }),
  cleanup: async () => {},
}));
