import {
  DEFAULT_PROGRAM_ID,
  ZClaimHistory,
  ZClaimInfo,
  ZClaimInfoQuery,
  ZClaimPrepareRequest,
  ZClaimPrepareResponse,
  ZClaimRecordRequest,
  ZClaimRecordResponse,
  ZErrorResponse,
  ZGaslessClaimPrepareRequest,
  ZGaslessClaimPrepareResponse,
  ZGaslessClaimSubmitRequest,
  ZGaslessClaimSubmitResponse,
} from '@sge/shared';
import { type Address, getAddress, type Hex } from 'viem';
import { z } from 'zod';
import { claimEnvironment } from '../../domain/claims/claim-context';
import { listClaimHistory } from '../../domain/claims/claim-views';
import { getClaimInfo } from '../../domain/claims/get-claim-info';
import { prepareClaim } from '../../domain/claims/prepare-claim';
import { prepareGaslessClaim } from '../../domain/claims/prepare-gasless-claim';
import { recordClaimTransaction } from '../../domain/claims/record-claim-transaction';
import { submitGaslessClaim } from '../../domain/claims/submit-gasless-claim';
import { ProgramCache } from '../../domain/programs/program-cache';
import { wakeGaslessClaimWorkers } from '../../queue/claim-queue';
import type { TRuntime } from '../../runtime';
import type { TApp } from '../server';

const ZProgramQuery = z.object({ programId: z.uuid().optional() });
const ZProgramParams = z.object({ programId: z.uuid() });

/**
 * Claims (SPEC §6), for the default program (or ?programId=) and program-aware twins:
 * - GET  /api/claim/info?wallet=            GET  /api/v2/programs/:programId/claim/info?wallet=
 * - POST /api/claim/prepare {wallet, token} POST /api/v2/programs/:programId/claim/prepare
 * - POST /api/claim/record {wallet, txHash} POST /api/v2/programs/:programId/claim/record
 * - GET  /api/claim/history?wallet=         GET  /api/v2/programs/:programId/claim/history?wallet=
 * - POST /api/claim/gasless/prepare {wallet}  the EIP-3009 typed data of a gasless USDC claim, fee and relay fee
 * - POST /api/claim/gasless/submit {wallet, authorization, signature}  hands it to the relayer (202; 200 final)
 * Record answers 201 when it recorded the claim, 200 when it was recorded already (same body otherwise).
 */
export function registerClaimRoutes(app: TApp, runtime: TRuntime) {
  const env = claimEnvironment(runtime);
  const programs = new ProgramCache(env.db);
  const checksum = (wallet: string) => getAddress(wallet) as Address;

  const info = {
    tags: ['public'],
    summary: 'Whether a wallet can claim, why not, the fee, amount, token and contract addresses',
    response: { 200: ZClaimInfo, 404: ZErrorResponse, 503: ZErrorResponse },
  };
  const prepare = {
    tags: ['public'],
    summary: 'The transactions to sign, in order: USDT allowance reset, approve, claim',
    body: ZClaimPrepareRequest,
    response: { 200: ZClaimPrepareResponse, 402: ZErrorResponse, 409: ZErrorResponse, 503: ZErrorResponse },
  };
  const record = {
    tags: ['public'],
    summary: 'Record a claim transaction after verifying it on the chain',
    description:
      'Verifies the receipt (succeeded, sent by the wallet to the claim contract, Claimed event and fee ' +
      'transfer with the program terms) before writing anything. 201 when recorded now, 200 when already recorded.',
    body: ZClaimRecordRequest,
    response: {
      200: ZClaimRecordResponse,
      201: ZClaimRecordResponse,
      404: ZErrorResponse,
      409: ZErrorResponse,
      422: ZErrorResponse,
      503: ZErrorResponse,
    },
  };
  const history = {
    tags: ['public'],
    summary: 'The recorded claims of a wallet',
    response: { 200: ZClaimHistory },
  };

  const gaslessPrepare = {
    tags: ['public'],
    summary:
      'The USDC ReceiveWithAuthorization (EIP-3009) to sign for a gasless claim, with fee and relay fee',
    body: ZGaslessClaimPrepareRequest,
    querystring: ZProgramQuery,
    response: {
      200: ZGaslessClaimPrepareResponse,
      402: ZErrorResponse,
      403: ZErrorResponse,
      409: ZErrorResponse,
      503: ZErrorResponse,
    },
  };
  const gaslessSubmit = {
    tags: ['public'],
    summary: 'Submit a signed gasless claim to the relayer; the authorization nonce makes it exactly-once',
    description:
      'Checks the authorization (program terms, signature, blacklist, balance, unused nonce) and simulates the ' +
      'claim before accepting it. 202 while the relayer works on it, 200 once recorded or failed; a repeat ' +
      'with the same authorization returns the same intent.',
    body: ZGaslessClaimSubmitRequest,
    querystring: ZProgramQuery,
    response: {
      200: ZGaslessClaimSubmitResponse,
      202: ZGaslessClaimSubmitResponse,
      402: ZErrorResponse,
      403: ZErrorResponse,
      409: ZErrorResponse,
      422: ZErrorResponse,
      503: ZErrorResponse,
    },
  };
  app.post('/api/claim/gasless/prepare', { schema: gaslessPrepare }, async (request) => {
    const program = await programs.get(request.query.programId ?? DEFAULT_PROGRAM_ID);
    return await prepareGaslessClaim(env, program, checksum(request.body.wallet));
  });
  app.post('/api/claim/gasless/submit', { schema: gaslessSubmit }, async (request, reply) => {
    const program = await programs.get(request.query.programId ?? DEFAULT_PROGRAM_ID);
    const result = await submitGaslessClaim(
      { ...env, relayerAddress: runtime.relayer.address, wake: () => wakeGaslessClaimWorkers(runtime.queue) },
      program,
      request.body,
    );
    const final = result.status === 'CONFIRMED' || result.status === 'FAILED';
    return reply.status(final ? 200 : 202).send(result);
  });

  const doRecord = async (programId: string, body: z.infer<typeof ZClaimRecordRequest>) => {
    const program = await programs.get(programId);
    const result = await recordClaimTransaction(env, program, checksum(body.wallet), body.txHash as Hex);
    if (result.created) {
      runtime.metrics.claimsTotal.inc({ token: result.claim.token });
      runtime.metrics.intentsTotal.inc({ type: 'CLAIM', status: 'CONFIRMED' });
    }
    return result;
  };

  app.get(
    '/api/claim/info',
    { schema: { ...info, querystring: ZClaimInfoQuery.extend(ZProgramQuery.shape) } },
    async (request) => {
      const program = await programs.get(request.query.programId ?? DEFAULT_PROGRAM_ID);
      return await getClaimInfo(env, program, checksum(request.query.wallet));
    },
  );
  app.get(
    '/api/v2/programs/:programId/claim/info',
    { schema: { ...info, params: ZProgramParams, querystring: ZClaimInfoQuery } },
    async (request) => {
      const program = await programs.get(request.params.programId);
      return await getClaimInfo(env, program, checksum(request.query.wallet));
    },
  );

  app.post('/api/claim/prepare', { schema: { ...prepare, querystring: ZProgramQuery } }, async (request) => {
    const program = await programs.get(request.query.programId ?? DEFAULT_PROGRAM_ID);
    return await prepareClaim(env, program, checksum(request.body.wallet), request.body.token);
  });
  app.post(
    '/api/v2/programs/:programId/claim/prepare',
    { schema: { ...prepare, params: ZProgramParams } },
    async (request) => {
      const program = await programs.get(request.params.programId);
      return await prepareClaim(env, program, checksum(request.body.wallet), request.body.token);
    },
  );

  app.post(
    '/api/claim/record',
    { schema: { ...record, querystring: ZProgramQuery } },
    async (request, reply) => {
      const result = await doRecord(request.query.programId ?? DEFAULT_PROGRAM_ID, request.body);
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );
  app.post(
    '/api/v2/programs/:programId/claim/record',
    { schema: { ...record, params: ZProgramParams } },
    async (request, reply) => {
      const result = await doRecord(request.params.programId, request.body);
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  app.get(
    '/api/claim/history',
    { schema: { ...history, querystring: ZClaimInfoQuery.extend(ZProgramQuery.shape) } },
    async (request) => {
      const program = await programs.get(request.query.programId ?? DEFAULT_PROGRAM_ID);
      const wallet = checksum(request.query.wallet);
      return {
        wallet,
        programId: program.id,
        claims: await listClaimHistory(env.db, program.id, wallet, env.explorerUrl),
      };
    },
  );
  app.get(
    '/api/v2/programs/:programId/claim/history',
    { schema: { ...history, params: ZProgramParams, querystring: ZClaimInfoQuery } },
    async (request) => {
      const program = await programs.get(request.params.programId);
      const wallet = checksum(request.query.wallet);
      return {
        wallet,
        programId: program.id,
        claims: await listClaimHistory(env.db, program.id, wallet, env.explorerUrl),
      };
    },
  );
}
