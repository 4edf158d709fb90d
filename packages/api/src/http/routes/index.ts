import type { TRuntime } from '../../runtime';
import { registerAuth } from '../plugins/auth';
import type { TApp } from '../server';
import { registerAdminRoutes } from './admin';
import { registerAdminRelayerRoutes } from './admin-relayer';
import { registerPublicAffiliateRoutes } from './affiliate/public';
import { registerAffiliateSelfRoutes } from './affiliate/self';
import { registerAuthRoutes } from './auth/siwe';
import { registerClaimRoutes } from './claim';
import { registerCommerceRoutes } from './commerce';
import { registerDevRoutes } from './dev';
import { registerHealthRoutes } from './health';
import { registerMetricsRoute } from './metrics';
import { registerPaymentRoutes } from './payments';
import { registerRegistrationRoutes } from './register';
import { registerStatsRoutes } from './stats';
import { registerSystemRoutes } from './system';

/** Every route module, registered in this order by buildServer. Add a resource's module here. */
export const ROUTE_MODULES: readonly ((app: TApp, runtime: TRuntime) => void | Promise<void>)[] = [
  registerAuth,
  registerHealthRoutes,
  registerMetricsRoute,
  registerSystemRoutes,
  registerRegistrationRoutes,
  registerDevRoutes,
  registerAuthRoutes,
  registerPublicAffiliateRoutes,
  registerAffiliateSelfRoutes,
  registerAdminRoutes,
  registerAdminRelayerRoutes,
  registerCommerceRoutes,
  registerClaimRoutes,
  registerPaymentRoutes,
  registerStatsRoutes,
];
