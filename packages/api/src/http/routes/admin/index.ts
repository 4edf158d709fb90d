import type { TRuntime } from '../../../runtime';
import type { TApp } from '../../server';
import { registerAdminAffiliateRoutes } from './affiliates';
import { registerAdminAuditLogRoutes } from './audit-log';
import { registerAdminChangeRoutes } from './changes';
import { registerAdminCommissionRoutes } from './commissions';
import { registerAdminLedgerRoutes } from './ledger';
import { registerAdminMeRoutes } from './me';
import { registerAdminOverviewRoutes } from './overview';
import { registerAdminPaymentRoutes } from './payments';
import { registerAdminPayoutBatchRoutes } from './payout-batches';
import { registerAdminProgramRoutes } from './programs';
import { registerAdminQueueRoutes } from './queues';
import { registerAdminReconciliationRoutes } from './reconciliation';
import { registerAdminSettlementRoutes } from './settlements';
import { registerAdminUserAndIntentRoutes } from './users-and-intents';

/** Every /api/admin route (admin keys and program-scoped keys; see http/plugins/auth.ts). */
export function registerAdminRoutes(app: TApp, runtime: TRuntime) {
  registerAdminProgramRoutes(app, runtime);
  registerAdminAffiliateRoutes(app, runtime);
  registerAdminUserAndIntentRoutes(app, runtime);
  registerAdminSettlementRoutes(app, runtime);
  registerAdminLedgerRoutes(app, runtime);
  registerAdminCommissionRoutes(app, runtime);
  registerAdminPayoutBatchRoutes(app, runtime);
  registerAdminAuditLogRoutes(app, runtime);
  registerAdminPaymentRoutes(app, runtime);
  registerAdminReconciliationRoutes(app, runtime);
  registerAdminChangeRoutes(app, runtime);
  registerAdminMeRoutes(app, runtime);
  registerAdminQueueRoutes(app, runtime);
  registerAdminOverviewRoutes(app, runtime);
}
