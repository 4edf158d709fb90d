import type { TAdminSettlement } from '../../api/admin-client';
import { adminClient } from '../../api/money-clients';
import { formatMoney } from '../affiliate/money';
import type { useAdminAction } from './action-result';
import { ConfirmButton } from './confirm-button';

type TRefund = ReturnType<typeof useAdminAction<{ settlement: TAdminSettlement; reason: string }>>;

/** Refunds one revenue settlement: a Commerce payment through its charge (the charge is marked REFUNDED too). */
export async function refundOf(input: { settlement: TAdminSettlement; reason: string }): Promise<string> {
  const { settlement, reason } = input;
  if (settlement.kind === 'COMMERCE_PAYMENT' && settlement.providerRef !== null) {
    await adminClient.refundCommerceCharge(settlement.providerRef, reason);
    return `Commerce charge ${settlement.providerRef} recorded as refunded: revenue reversed, commissions cancelled or clawed back.`;
  }
  const result = await adminClient.refundSettlement(settlement.id, reason);
  return `Settlement refunded: ${result.cancelled.length} commission(s) cancelled, ${result.clawedBack.length} clawed back.`;
}

/** The row's Refund button, asking first (it reverses revenue and commissions). */
export function SettlementRefundButton(props: {
  settlement: TAdminSettlement;
  reason: string;
  refund: TRefund;
}) {
  const { settlement, reason, refund } = props;
  if (settlement.refunded) return <>yes</>;
  if (settlement.kind === 'PAYOUT' || !['USD', 'USDC', 'USDT'].includes(settlement.currency)) return <>no</>;
  return (
    <ConfirmButton
      label="Refund"
      question={`Refund ${formatMoney(settlement.amount, settlement.currency)}? Its revenue is reversed and its commissions cancelled or clawed back.`}
      pending={refund.isPending && refund.variables?.settlement.id === settlement.id}
      pendingLabel="Refunding…"
      disabled={refund.isPending}
      onConfirm={() => refund.mutate({ settlement, reason: reason.trim() || 'refunded from the admin page' })}
    />
  );
}
