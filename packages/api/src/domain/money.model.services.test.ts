import { describeMoneyModel } from '../../test/support/money-model';
import { openTestPostgres } from '../../test/support/test-database';

describeMoneyModel('PostgreSQL', () => openTestPostgres({ synchronousCommit: false }));
