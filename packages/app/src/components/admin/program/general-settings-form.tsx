import type { TProgram, TUpdateProgramRequest } from '@sge/shared';
import { type FormEvent, useState } from 'react';
import { formatEther, parseEther } from 'viem/utils';
import { adminClient } from '../../../api/money-clients';
import { ActionResult, latestResult, useAdminAction } from '../action-result';
import { CheckField, TextField } from '../text-field';

type TDraft = {
  name: string;
  maxAffiliateDepth: string;
  paymentRequired: boolean;
  kycRequired: boolean;
  allowlistRequired: boolean;
  challengeRequired: boolean;
  proofRequired: boolean;
  mintsPerDayMax: string;
  gasPerDayMaxEth: string;
};

const draftOf = (program: TProgram): TDraft => ({
  name: program.name,
  maxAffiliateDepth: String(program.maxAffiliateDepth),
  paymentRequired: program.paymentRequired,
  kycRequired: program.kycRequired,
  allowlistRequired: program.allowlistRequired,
  challengeRequired: program.challengeRequired,
  proofRequired: program.registrationProof === 'required',
  mintsPerDayMax: program.mintsPerDayMax === null ? '' : String(program.mintsPerDayMax),
  gasPerDayMaxEth: program.gasPerDayMaxWei === null ? '' : formatEther(BigInt(program.gasPerDayMaxWei)),
});

/** The settings in the body of an update (every one; the API applies these at once and audits them), or why not. */
function bodyOf(draft: TDraft): TUpdateProgramRequest | string {
  const depth = Number(draft.maxAffiliateDepth);
  if (!/^\d+$/.test(draft.maxAffiliateDepth.trim()) || depth < 1)
    return 'Affiliate depth: a whole number from 1';
  if (draft.mintsPerDayMax.trim() !== '' && !/^\d+$/.test(draft.mintsPerDayMax.trim()))
    return 'Mints per day: a whole number, or empty for no budget';
  let gas: string | null = null;
  if (draft.gasPerDayMaxEth.trim() !== '') {
    if (!/^\d+(\.\d{1,18})?$/.test(draft.gasPerDayMaxEth.trim()))
      return 'Gas per day: an ETH amount, or empty';
    gas = parseEther(draft.gasPerDayMaxEth.trim()).toString();
  }
  return {
    name: draft.name.trim(),
    maxAffiliateDepth: depth,
    paymentRequired: draft.paymentRequired,
    kycRequired: draft.kycRequired,
    allowlistRequired: draft.allowlistRequired,
    challengeRequired: draft.challengeRequired,
    registrationProof: draft.proofRequired ? 'required' : 'none',
    mintsPerDayMax: draft.mintsPerDayMax.trim() === '' ? null : Number(draft.mintsPerDayMax),
    gasPerDayMaxWei: gas,
  };
}

/** Name, affiliate depth, gates and daily budgets: settings that move no money, applied at once. */
export function GeneralSettingsForm({ program }: { program: TProgram }) {
  const [draft, setDraft] = useState<TDraft>(() => draftOf(program));
  const [invalid, setInvalid] = useState<string | null>(null);
  const set =
    <K extends keyof TDraft>(field: K) =>
    (value: TDraft[K]) =>
      setDraft({ ...draft, [field]: value });
  const save = useAdminAction(async (body: TUpdateProgramRequest) => {
    await adminClient.updateProgram(program.id, body);
    return 'Gates and limits saved.';
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = bodyOf(draft);
    const base = bodyOf(draftOf(program));
    if (typeof body === 'string') return setInvalid(body);
    // Only what changed, so the audit log records what the admin did.
    const changed = Object.fromEntries(
      Object.entries(body).filter(
        ([field, value]) =>
          typeof base === 'string' ||
          JSON.stringify(base[field as keyof typeof base]) !== JSON.stringify(value),
      ),
    );
    if (Object.keys(changed).length === 0) return setInvalid('Nothing changed.');
    setInvalid(null);
    save.mutate(changed as TUpdateProgramRequest);
  };
  return (
    <form className="card" noValidate onSubmit={submit} aria-labelledby="general-settings-heading">
      <h3 id="general-settings-heading" className="card__title">
        Gates and limits (apply at once)
      </h3>
      {invalid && (
        <p className="notice notice--critical" role="alert">
          {invalid}
        </p>
      )}
      <ActionResult result={latestResult([save])} />
      <div className="admin-filters">
        <TextField id="program-name-edit" label="Name" value={draft.name} onChange={set('name')} />
        <TextField
          id="affiliate-depth"
          label="Affiliate depth"
          unit="levels"
          inputMode="numeric"
          value={draft.maxAffiliateDepth}
          onChange={set('maxAffiliateDepth')}
        />
        <TextField
          id="mints-per-day"
          label="Sponsored mints per day"
          unit="empty: no budget"
          inputMode="numeric"
          value={draft.mintsPerDayMax}
          onChange={set('mintsPerDayMax')}
        />
        <TextField
          id="gas-per-day"
          label="Relayer gas per day"
          unit="ETH, empty: no budget"
          inputMode="decimal"
          value={draft.gasPerDayMaxEth}
          onChange={set('gasPerDayMaxEth')}
        />
      </div>
      <div className="admin-filters">
        <CheckField
          id="gate-payment"
          label="Payment required"
          checked={draft.paymentRequired}
          onChange={set('paymentRequired')}
        />
        <CheckField
          id="gate-kyc"
          label="KYC required"
          checked={draft.kycRequired}
          onChange={set('kycRequired')}
        />
        <CheckField
          id="gate-allowlist"
          label="Allowlist only"
          checked={draft.allowlistRequired}
          onChange={set('allowlistRequired')}
        />
        <CheckField
          id="gate-challenge"
          label="Proof-of-work challenge"
          checked={draft.challengeRequired}
          onChange={set('challengeRequired')}
        />
        <CheckField
          id="gate-proof"
          label="Wallet signature required"
          checked={draft.proofRequired}
          onChange={set('proofRequired')}
        />
      </div>
      <button type="submit" className="button button--primary" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save gates and limits'}
      </button>
    </form>
  );
}
