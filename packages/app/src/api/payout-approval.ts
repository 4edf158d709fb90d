import type { TAdminMe, TPayoutBatchDetail } from '@sge/shared';
import type { TypedDataDefinition } from 'viem';
import { getAddress, isAddressEqual } from 'viem/utils';

/**
 * A payout batch's approval as the API sends it (`approval` of GET /api/admin/payout-batches/:id): the
 * EIP-712 typed data an approver signs, with bigints as decimal strings so that it survives JSON.
 */
export type TApprovalTypedDataJson = {
  domain: Record<string, unknown>;
  types: Record<string, { name: string; type: string }[]>;
  primaryType: string;
  message: Record<string, unknown>;
};

/** An EIP-712 integer type: uint8 … uint256, int8 … int256. */
const INTEGER_TYPE = /^u?int(\d+)?$/;

/** The value of field type `type` with JSON's decimal strings read back as bigints (nested structs too). */
function reviveValue(
  value: unknown,
  type: string,
  types: TApprovalTypedDataJson['types'],
  path: string,
): unknown {
  if (type.endsWith(']')) {
    if (!Array.isArray(value)) throw new Error(`typed data field ${path} is not a list`);
    const inner = type.slice(0, type.lastIndexOf('['));
    return value.map((item, index) => reviveValue(item, inner, types, `${path}[${index}]`));
  }
  if (INTEGER_TYPE.test(type)) {
    if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
    if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
    throw new Error(`typed data field ${path} (${type}) is not an integer: ${String(value)}`);
  }
  const fields = types[type];
  if (fields !== undefined) {
    if (typeof value !== 'object' || value === null)
      throw new Error(`typed data field ${path} is not a struct`);
    return reviveStruct(value as Record<string, unknown>, fields, types, path);
  }
  return value;
}

function reviveStruct(
  value: Record<string, unknown>,
  fields: { name: string; type: string }[],
  types: TApprovalTypedDataJson['types'],
  path: string,
): Record<string, unknown> {
  return Object.fromEntries(
    fields.map((field) => [
      field.name,
      reviveValue(value[field.name], field.type, types, `${path}.${field.name}`),
    ]),
  );
}

/**
 * The typed data of a payout batch approval, ready for a wallet: integers as bigints again, and checked to be
 * for `expected`'s chain and payout contract, so that an admin never signs an approval valid somewhere else
 * than the batch says.
 *
 * @throws Error naming the field that does not match or cannot be read.
 * @example
 * const typedData = approvalTypedData(batch.approval.typedData, batch.approval);
 * const signature = await wallet.signTypedData(typedData);
 */
export function approvalTypedData(
  json: TApprovalTypedDataJson,
  expected: { chainId: number; payoutContract: string },
): TypedDataDefinition {
  const fields = json.types[json.primaryType];
  if (fields === undefined) throw new Error(`typed data has no type ${json.primaryType}`);
  const chainId = Number(json.domain.chainId);
  if (chainId !== expected.chainId) {
    throw new Error(
      `typed data is for chain ${String(json.domain.chainId)}, the batch for chain ${expected.chainId}`,
    );
  }
  const verifyingContract = json.domain.verifyingContract;
  if (
    typeof verifyingContract !== 'string' ||
    !isAddressEqual(getAddress(verifyingContract), getAddress(expected.payoutContract))
  ) {
    throw new Error(
      `typed data is for contract ${String(verifyingContract)}, the batch for payout contract ${expected.payoutContract}`,
    );
  }
  const { EIP712Domain: _domainType, ...types } = json.types;
  return {
    domain: { ...json.domain, chainId, verifyingContract: getAddress(verifyingContract) },
    types,
    primaryType: json.primaryType,
    message: reviveStruct(json.message, fields, json.types, json.primaryType),
  } as unknown as TypedDataDefinition;
}

/** A payout batch with its approval (what its approvers sign, who signed) and its payouts, SKIPPED ones with why. */
export type TBatchDetail = TPayoutBatchDetail;
/** What a batch's approvers sign and who signed; null for a batch created before signed approvals. */
export type TBatchApproval = NonNullable<TPayoutBatchDetail['approval']>;
/** GET /api/admin/me: who the admin key belongs to, and the wallet that signs for them. */
export type TAdminIdentity = TAdminMe;
