import assert from 'node:assert/strict';
import { ZCommerceChargeCode } from '@sge/shared';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkoutReturnUrl } from '../../../domain/commerce/create-commerce-charge';
import { getMockCheckoutCharge } from '../../../domain/commerce/get-mock-checkout-charge';
import { PAID_CHARGE_STATUSES, type TChargeRow } from '../../../domain/commerce/record-charge-status';
import { deliverSimulatedBusinessCheckout } from '../../../domain/commerce/simulated-business-checkout';
import {
  deliverSimulatedCheckout,
  type TSimulatedOutcome,
} from '../../../domain/commerce/simulated-checkout';
import { microUsdToDecimal } from '../../../providers/commerce-api';
import type { TRuntime } from '../../../runtime';
import type { TApp } from '../../server';
import { BUSINESS_WEBHOOK_PATH } from './business-webhook';
import type { TCommerceContext } from './commerce-context';

/**
 * Mock mode only — the simulated hosted checkout (Real mode uses Commerce's page; these routes do not exist
 * there):
 * - GET /api/commerce/checkout/:code: an HTML page with the charge, a Pay and a Cancel button;
 * - POST /api/commerce/checkout/:code/pay | /cancel (plain HTML form posts): delivers the signed webhook
 *   events Commerce would send (charge:pending + charge:confirmed, or charge:failed) by HTTP to this API's
 *   own POST /api/commerce/webhook, then redirects (303) to the app's return URL with
 *   `checkout=<code>&checkout_status=returned|canceled`.
 * The page carries no script; its CSP allows only its inline style.
 */
export function registerCommerceCheckoutRoutes(app: TApp, runtime: TRuntime, context: TCommerceContext) {
  if (!context.mock) return;
  const { db } = runtime.database;
  const secret = runtime.config.commerce.webhookSecret;

  const load = (code: string): Promise<TChargeRow> => getMockCheckoutCharge(db, code);

  app.register(async (plain: FastifyInstance) => {
    // HTML forms post application/x-www-form-urlencoded; these forms carry no fields, so nothing is parsed.
    plain.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, _body, done) => done(null, {}),
    );
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    const params = z.object({ code: ZCommerceChargeCode });

    scope.get('/api/commerce/checkout/:code', { schema: { hide: true, params } }, async (request, reply) =>
      sendPage(reply, await load(request.params.code), null),
    );

    const act =
      (outcome: TSimulatedOutcome) =>
      async (request: { params: { code: string }; log: FastifyInstance['log'] }, reply: FastifyReply) => {
        const charge = await load(request.params.code);
        const open = !PAID_CHARGE_STATUSES.has(charge.status) && charge.status !== 'REFUNDED';
        if (open) {
          const businessSecret = runtime.config.business.webhookSecret;
          assert(secret !== null && businessSecret !== null, 'Mock mode always has webhook secrets');
          try {
            if (charge.source === 'MOCK_BUSINESS') {
              await deliverSimulatedBusinessCheckout(charge, outcome, {
                webhookUrl: context.ownWebhookUrl(app, BUSINESS_WEBHOOK_PATH),
                secret: businessSecret,
              });
            } else {
              await deliverSimulatedCheckout(charge, outcome, {
                webhookUrl: context.ownWebhookUrl(app),
                secret,
              });
            }
          } catch (error) {
            request.log.warn(
              { err: error, code: charge.code },
              'simulated checkout: webhook delivery failed',
            );
            return sendPage(reply.status(502), charge, (error as Error).message);
          }
        }
        const target = charge.return_url ?? `${runtime.config.http.appOrigins[0]}/`;
        return reply.redirect(checkoutReturnUrl(target, charge.code, outcome === 'cancel'), 303);
      };

    scope.post('/api/commerce/checkout/:code/pay', { schema: { hide: true, params } }, act('pay'));
    scope.post('/api/commerce/checkout/:code/cancel', { schema: { hide: true, params } }, act('cancel'));
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendPage(reply: FastifyReply, charge: TChargeRow, problem: string | null) {
  const code = escapeHtml(charge.code);
  const open = !PAID_CHARGE_STATUSES.has(charge.status) && charge.status !== 'REFUNDED';
  const returnUrl = escapeHtml(charge.return_url ?? '/');
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mock checkout · ${code}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1a1a2e}
.card{border:1px solid #ccd;border-radius:12px;padding:1.25rem}
.mock{background:#fff4d6;border-radius:8px;padding:.5rem .75rem;font-size:.9rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.35rem 1rem}dt{color:#556}dd{margin:0;word-break:break-all}
button{font:inherit;padding:.6rem 1.2rem;border-radius:8px;border:1px solid #445;cursor:pointer;margin-right:.5rem}
.pay{background:#1652f0;color:#fff;border-color:#1652f0}.problem{color:#a00}
</style>
</head>
<body>
<main class="card">
<h1>Checkout</h1>
<p class="mock">Mock mode: a simulated Coinbase ${charge.source === 'MOCK_BUSINESS' ? 'Business' : 'Commerce'} checkout. No money moves; paying sends the signed webhook Coinbase would send.</p>
<dl>
<dt>Charge</dt><dd data-testid="charge-code">${code}</dd>
<dt>Amount</dt><dd data-testid="charge-amount">${escapeHtml(microUsdToDecimal(charge.amount))} USD</dd>
<dt>Wallet</dt><dd>${escapeHtml(charge.wallet)}</dd>
<dt>Status</dt><dd data-testid="charge-status">${escapeHtml(charge.status)}</dd>
</dl>
${problem === null ? '' : `<p class="problem" role="alert">The payment could not be delivered: ${escapeHtml(problem)}. Try again.</p>`}
${
  open
    ? `<form method="post" action="/api/commerce/checkout/${code}/pay"><button class="pay" type="submit" data-testid="checkout-pay">Pay ${escapeHtml(microUsdToDecimal(charge.amount))} USD</button></form>
<form method="post" action="/api/commerce/checkout/${code}/cancel"><p><button type="submit" data-testid="checkout-cancel">Cancel</button></p></form>`
    : `<p>This charge is ${escapeHtml(charge.status.toLowerCase())}.</p><p><a href="${returnUrl}">Back to the app</a></p>`
}
</main>
</body>
</html>`;
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    )
    .header('cache-control', 'no-store')
    .send(body);
}
