import type { TProgram } from '@sge/shared';
import { type FormEvent, useState } from 'react';
import { adminClient } from '../../../api/money-clients';
import { ActionResult, latestResult, useAdminAction } from '../action-result';
import { TextField } from '../text-field';
import {
  describeMoneySetting,
  MONEY_SETTING_LABELS,
  moneyChanges,
  moneyDraftOf,
  PAYMENT_PROVIDER_OPTIONS,
  type TMoneyDraft,
} from './program-settings-model';

/**
 * The money settings of a program (fees, commission levels, hold, minimum payout, claim amount, payment
 * provider, addresses). Saving proposes the changed ones as one change that a second admin applies on
 * "Changes to approve" (the API's maker-checker; the proposer cannot approve it).
 */
export function MoneySettingsForm({ program }: { program: TProgram }) {
  const [draft, setDraft] = useState<TMoneyDraft>(() => moneyDraftOf(program));
  const [invalid, setInvalid] = useState<string[]>([]);
  const set = (field: keyof TMoneyDraft) => (value: string) => setDraft({ ...draft, [field]: value });
  const propose = useAdminAction(async (body: ReturnType<typeof moneyChanges>['body']) => {
    const answer = await adminClient.updateProgram(program.id, body);
    const change = answer.pendingChange;
    if (change === null) return 'Saved.';
    const fields = Object.entries(change.payload)
      .map(
        ([field, value]) =>
          `${MONEY_SETTING_LABELS[field as keyof typeof MONEY_SETTING_LABELS] ?? field} → ${describeMoneySetting(field, value)}`,
      )
      .join(', ');
    return `Proposed (${fields}): a second admin must approve it on Changes to approve.`;
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { body, errors } = moneyChanges(program, draft);
    setInvalid(errors);
    if (errors.length > 0) return;
    if (Object.keys(body).length === 0) {
      setInvalid(['Nothing changed.']);
      return;
    }
    propose.mutate(body);
  };
  return (
    <form className="card" noValidate onSubmit={submit} aria-labelledby="money-settings-heading">
      <h3 id="money-settings-heading" className="card__title">
        Money settings (a second admin approves)
      </h3>
      {invalid.length > 0 && (
        <p className="notice notice--critical" role="alert" data-testid="settings-invalid">
          {invalid.join(' ')}
        </p>
      )}
      <ActionResult result={latestResult([propose])} />
      <div className="admin-filters">
        <TextField
          id="fee-usd"
          label="Fee"
          unit="USD"
          inputMode="decimal"
          value={draft.feeUsd}
          onChange={set('feeUsd')}
        />
        <TextField
          id="relay-fee-usd"
          label="Relay fee"
          unit="USD"
          inputMode="decimal"
          value={draft.claimRelayFeeUsd}
          onChange={set('claimRelayFeeUsd')}
        />
        <TextField
          id="min-payout-usd"
          label="Minimum payout"
          unit="USD"
          inputMode="decimal"
          value={draft.minPayoutUsd}
          onChange={set('minPayoutUsd')}
        />
        <TextField
          id="levels-percent"
          label="Commission levels"
          unit="%, level 1 first"
          value={draft.levelsPercent}
          onChange={set('levelsPercent')}
        />
        <TextField
          id="hold-days"
          label="Hold"
          unit="days"
          inputMode="numeric"
          value={draft.holdDays}
          onChange={set('holdDays')}
        />
        <TextField
          id="hold-hours"
          label="and"
          unit="hours"
          inputMode="numeric"
          value={draft.holdHours}
          onChange={set('holdHours')}
        />
        <TextField
          id="claim-amount-sge"
          label="Claim amount"
          unit="SGE"
          inputMode="decimal"
          value={draft.claimAmountSge}
          onChange={set('claimAmountSge')}
        />
        <div className="field">
          <label htmlFor="payment-provider" className="field__label">
            Payment provider
          </label>
          <select
            id="payment-provider"
            className="field__input"
            value={draft.paymentProvider}
            onChange={(event) => set('paymentProvider')(event.target.value)}
          >
            {PAYMENT_PROVIDER_OPTIONS.map((option) => (
              <option key={option}>{option}</option>
            ))}
          </select>
        </div>
      </div>
      <AddressFields draft={draft} set={set} />
      <div className="admin-filters">
        <button type="submit" className="button button--primary" disabled={propose.isPending}>
          {propose.isPending ? 'Proposing…' : 'Propose money settings'}
        </button>
        <button
          type="button"
          className="button"
          disabled={propose.isPending}
          onClick={() => setDraft(moneyDraftOf(program))}
        >
          Reset
        </button>
      </div>
    </form>
  );
}

/** The treasury and contract addresses (known deployments only; the API refuses any other). */
function AddressFields(props: {
  draft: TMoneyDraft;
  set: (field: keyof TMoneyDraft) => (value: string) => void;
}) {
  const { draft, set } = props;
  return (
    <div className="admin-filters">
      <TextField
        id="treasury-address"
        label="Treasury"
        value={draft.treasuryAddress}
        onChange={set('treasuryAddress')}
      />
      <TextField
        id="payout-address"
        label="Payout contract"
        value={draft.payoutAddress}
        onChange={set('payoutAddress')}
      />
      <TextField
        id="sge-id-address"
        label="SGE-ID contract"
        value={draft.sgeIdAddress}
        onChange={set('sgeIdAddress')}
      />
      <TextField
        id="sge-claim-address"
        label="Claim contract"
        value={draft.sgeClaimAddress}
        onChange={set('sgeClaimAddress')}
      />
    </div>
  );
}
