import {
  PROGRAM_ADDRESS_SETTINGS,
  PROGRAM_MONEY_SETTINGS,
  type TProgramMoneySetting,
  type TProgramMoneySettings,
  type TProgramSettings,
} from '@sge/shared';
import { getAddress } from 'viem';
import type { TKnownAddresses } from '../../chain/known-addresses';
import type { TProgram } from '../../db/schema';
import { AppError } from '../app-error';
import { toProgramView } from './program-view';

const MONEY = new Set<string>(PROGRAM_MONEY_SETTINGS);

/** Splits settings into the money settings (a pending change) and the rest (applied at once). */
export function splitMoneySettings<T extends Partial<TProgramSettings>>(
  settings: T,
): { money: TProgramMoneySettings; other: Omit<T, TProgramMoneySetting> } {
  const money: Record<string, unknown> = {};
  const other: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    (MONEY.has(key) ? money : other)[key] = value;
  }
  return { money: money as TProgramMoneySettings, other: other as Omit<T, TProgramMoneySetting> };
}

/** The program's current values of the fields `settings` names (the `before` of a pending change). */
export function moneySettingsOf(program: TProgram, settings: TProgramMoneySettings): TProgramMoneySettings {
  const view = toProgramView(program);
  return Object.fromEntries(
    Object.keys(settings).map((key) => [key, view[key as TProgramMoneySetting]]),
  ) as TProgramMoneySettings;
}

/** Only the money settings that differ from the program's current values. */
export function changedMoneySettings(
  program: TProgram,
  settings: TProgramMoneySettings,
): TProgramMoneySettings {
  const before = moneySettingsOf(program, settings);
  return Object.fromEntries(
    Object.entries(settings).filter(
      ([key, value]) =>
        JSON.stringify(normalized(value)) !== JSON.stringify(normalized(before[key as TProgramMoneySetting])),
    ),
  ) as TProgramMoneySettings;
}

function normalized(value: unknown): unknown {
  return typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : value;
}

/**
 * Contract and treasury addresses only from the known deployments and the allowlist (TKnownAddresses), never
 * free text. `null` (the platform's own contracts and treasury) is always allowed.
 *
 * @throws AppError VALIDATION_FAILED naming the first unknown field, e.g. `body.payoutAddress`.
 */
export function assertKnownAddresses(
  settings: TProgramMoneySettings,
  known: TKnownAddresses,
  fieldPrefix = 'body',
): void {
  for (const field of PROGRAM_ADDRESS_SETTINGS) {
    const value = settings[field];
    if (value === undefined || value === null) continue;
    if (known[field].has(getAddress(value))) continue;
    const path = `${fieldPrefix}.${field}`;
    throw new AppError(
      'VALIDATION_FAILED',
      `${path}: ${getAddress(value)} is not a known ${field === 'treasuryAddress' ? 'treasury' : 'contract'} address: choose one from the deployment records (packages/contracts/deployments/<chainId>.json) or CONTRACT_ADDRESS_ALLOWLIST`,
      { details: { field: path, allowed: [...known[field]] } },
    );
  }
}
