import { describeLedgerBalances } from '../../../test/support/ledger-balances';
import { openTestPglite } from '../../../test/support/test-database';

describeLedgerBalances('the embedded database (PGlite)', openTestPglite);
