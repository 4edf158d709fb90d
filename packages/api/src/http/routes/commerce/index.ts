import type { TRuntime } from '../../../runtime';
import type { TApp } from '../../server';
import { registerCommerceAdminRoutes } from './admin';
import { registerBusinessWebhookRoute } from './business-webhook';
import { registerCommerceChargeRoutes } from './charges';
import { registerCommerceCheckoutRoutes } from './checkout';
import { commerceContext } from './commerce-context';
import { registerCommerceWebhookRoute } from './webhook';

/**
 * Coinbase Commerce (SPEC §6, issue 6): charges, the webhook, Mock mode's simulated checkout, the admin
 * refund. See each module for its routes.
 */
export function registerCommerceRoutes(app: TApp, runtime: TRuntime) {
  const context = commerceContext(runtime);
  registerCommerceChargeRoutes(app, runtime, context);
  registerCommerceWebhookRoute(app, runtime);
  registerBusinessWebhookRoute(app, runtime);
  registerCommerceCheckoutRoutes(app, runtime, context);
  registerCommerceAdminRoutes(app, runtime, context);
}
