import { describeMoneyModel } from '../../test/support/money-model';
import { openTestPglite } from '../../test/support/test-database';

describeMoneyModel('the embedded database (PGlite)', openTestPglite);
