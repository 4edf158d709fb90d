import type { Migration } from 'kysely';
import * as coreSchema from './0001-core-schema';
import * as relayer from './0002-relayer';
import * as money from './0003-money';
import * as registration from './0004-registration';
import * as claims from './0005-claims';
import * as commerce from './0006-commerce';
import * as reconciliation from './0007-reconciliation';
import * as custodyApprovals from './0008-custody-approvals';
import * as payoutSignatures from './0009-payout-signatures';
import * as sessionsHardening from './0010-sessions-hardening';
import * as registrationProof from './0011-registration-proof';
import * as listIndexes from './0012-list-indexes';
import * as ledgerBalances from './0013-ledger-balances';
import * as reconciliationWatermarks from './0014-reconciliation-watermarks';
import * as paymentProviders from './0016-payment-providers';
import * as gaslessClaims from './0017-gasless-claims';
import * as l1DataFees from './0018-l1-data-fees';
import * as scaleReads from './0021-scale-reads';
import * as dailyRollups from './0022-daily-rollups';

/**
 * Every migration, in order. Listed in code (not read from a directory) so the bundled production build
 * carries them. Names sort in application order; never rename or edit one that has shipped.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-core-schema': coreSchema,
  '0002-relayer': relayer,
  '0003-money': money,
  '0004-registration': registration,
  '0005-claims': claims,
  '0006-commerce': commerce,
  '0007-reconciliation': reconciliation,
  '0008-custody-approvals': custodyApprovals,
  '0009-payout-signatures': payoutSignatures,
  '0010-sessions-hardening': sessionsHardening,
  '0011-registration-proof': registrationProof,
  '0012-list-indexes': listIndexes,
  '0013-ledger-balances': ledgerBalances,
  '0014-reconciliation-watermarks': reconciliationWatermarks,
  '0016-payment-providers': paymentProviders,
  '0017-gasless-claims': gaslessClaims,
  '0018-l1-data-fees': l1DataFees,
  '0021-scale-reads': scaleReads,
  '0022-daily-rollups': dailyRollups,
};
