import type { TCommerceChargeView } from '@sge/shared';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { getCharge } from '../api/commerce';

/**
 * The Register page after the user comes back from the checkout (Commerce's hosted page in Real mode, the
 * API's simulated one in Mock mode). The return URL carries `checkout_status=returned|canceled` and, in
 * Mock mode, `checkout=<code>`; Commerce cannot put its code in our URL, so the code of the charge the page
 * opened is also kept in sessionStorage under CHECKOUT_STORAGE_KEY. The hook polls the charge until its
 * payment is confirmed (the webhook may arrive after the user does) or it ends unpaid.
 */
export const CHECKOUT_STORAGE_KEY = 'sge-checkout-charge';
/** How often the charge is asked about while its payment is not confirmed yet. */
export const CHECKOUT_POLL_INTERVAL_MS = 1_500;
/** How long the page waits for a returned charge's confirmation before saying it is still pending. */
export const CHECKOUT_POLL_DURATION_MAX_MS = 3 * 60_000;

/** Statuses after which a charge will not be paid any more (the user must start a new checkout). */
const UNPAID_FINAL = new Set(['FAILED', 'EXPIRED', 'CANCELED', 'REFUNDED']);

export type TCheckoutReturn =
  | { status: 'none' }
  | { status: 'checking'; code: string; charge: TCommerceChargeView | null; canceled: boolean }
  | { status: 'paid'; code: string; charge: TCommerceChargeView }
  | { status: 'unpaid'; code: string; charge: TCommerceChargeView; canceled: boolean }
  | { status: 'pending'; code: string; charge: TCommerceChargeView | null }
  | { status: 'error'; code: string; error: unknown };

/** Remembers the charge the page is about to open, for the return from a checkout that cannot name it. */
export function rememberCheckout(code: string) {
  try {
    sessionStorage.setItem(CHECKOUT_STORAGE_KEY, code);
  } catch {
    // Storage may be unavailable (private mode); Mock mode's return URL names the code anyway.
  }
}

function rememberedCheckout(): string | null {
  try {
    return sessionStorage.getItem(CHECKOUT_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function useCheckoutReturn(): TCheckoutReturn {
  const [params] = useSearchParams();
  const returned = params.get('checkout_status');
  const code = params.get('checkout') ?? (returned !== null ? rememberedCheckout() : null);
  const canceled = returned === 'canceled';
  const [state, setState] = useState<TCheckoutReturn>({ status: 'none' });

  useEffect(() => {
    if (code === null || !/^[A-Z0-9]{4,32}$/.test(code)) {
      setState({ status: 'none' });
      return;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const startedMs = Date.now();
    setState({ status: 'checking', code, charge: null, canceled });
    const poll = async () => {
      let next: TCheckoutReturn;
      try {
        const charge = await getCharge(code);
        if (charge.paid) next = { status: 'paid', code, charge };
        else if (UNPAID_FINAL.has(charge.status) || (canceled && charge.status !== 'PENDING'))
          next = { status: 'unpaid', code, charge, canceled };
        else if (Date.now() - startedMs > CHECKOUT_POLL_DURATION_MAX_MS)
          next = { status: 'pending', code, charge };
        else next = { status: 'checking', code, charge, canceled };
      } catch (error) {
        next =
          Date.now() - startedMs > CHECKOUT_POLL_DURATION_MAX_MS
            ? { status: 'error', code, error }
            : { status: 'checking', code, charge: null, canceled };
      }
      if (stopped) return;
      setState(next);
      if (next.status === 'checking') timer = setTimeout(poll, CHECKOUT_POLL_INTERVAL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [code, canceled]);

  return state;
}
