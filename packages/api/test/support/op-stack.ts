import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OP_GAS_PRICE_ORACLE_ADDRESS } from '@sge/shared';
import { encodeFunctionData, type Hex, parseAbi, toHex } from 'viem';

/**
 * OP-stack test support. Anvil 1.7 in OP-stack mode (`startAnvil({ network: 'optimism' })`) runs OP receipts
 * and deposit transactions but deploys no L2 predeploys and charges no L1 data fee. These stand-ins speak the
 * documented interfaces instead:
 *
 * - the GasPriceOracle at its predeploy address, `getL1Fee(bytes)`: here it prices the call's bytes at a
 *   fixed `weiPerByte` (the real one applies the L1 base fee, blob base fee and scalars to the compressed
 *   size); what matters to the platform is the interface and that bigger transactions cost more;
 * - a JSON-RPC proxy that adds `l1Fee` to receipts, as op-geth does, computed by that oracle over the
 *   transaction's raw bytes.
 */

export const gasPriceOracleAbi = parseAbi(['function getL1Fee(bytes) view returns (uint256)']);

/**
 * Runtime code answering any call with CALLDATASIZE × weiPerByte as a uint256:
 * CALLDATASIZE, PUSH8 weiPerByte, MUL, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN.
 */
export function gasPriceOracleStandInCode(weiPerByte: bigint): Hex {
  return `0x3667${toHex(weiPerByte, { size: 8 }).slice(2)}0260005260206000f3`;
}

async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Puts the GasPriceOracle stand-in at the predeploy address of the anvil at `rpcUrl`. */
export async function installGasPriceOracleStandIn(rpcUrl: string, weiPerByte: bigint): Promise<void> {
  await rpc(rpcUrl, 'anvil_setCode', [OP_GAS_PRICE_ORACLE_ADDRESS, gasPriceOracleStandInCode(weiPerByte)]);
}

/** The oracle's L1 fee for a signed transaction's bytes, as op-geth computes a receipt's `l1Fee`. */
export async function l1FeeOfRawTransaction(rpcUrl: string, raw: Hex): Promise<bigint> {
  const data = encodeFunctionData({ abi: gasPriceOracleAbi, functionName: 'getL1Fee', args: [raw] });
  return BigInt(await rpc<Hex>(rpcUrl, 'eth_call', [{ to: OP_GAS_PRICE_ORACLE_ADDRESS, data }, 'latest']));
}

type TJsonRpcResponse = { id: unknown; result?: unknown; error?: unknown };

/**
 * An HTTP JSON-RPC endpoint in front of `upstreamUrl` that adds `l1Fee` (hex wei) to every receipt of a
 * non-deposit transaction, priced by the GasPriceOracle stand-in over the transaction's raw bytes.
 */
export async function startOpReceiptsProxy(
  upstreamUrl: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const withL1Fee = async (response: TJsonRpcResponse, method: string): Promise<TJsonRpcResponse> => {
    const receipt = response.result as { transactionHash: Hex; type: Hex } | null | undefined;
    if (method !== 'eth_getTransactionReceipt' || !receipt || receipt.type === '0x7e') return response;
    const raw = await rpc<Hex>(upstreamUrl, 'eth_getRawTransactionByHash', [receipt.transactionHash]);
    const l1Fee = await l1FeeOfRawTransaction(upstreamUrl, raw);
    return { ...response, result: { ...receipt, l1Fee: toHex(l1Fee) } };
  };
  const server: Server = createServer((request, reply) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
      try {
        const parsed = JSON.parse(body) as { method: string } | { method: string }[];
        const upstream = await fetch(upstreamUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const answer = (await upstream.json()) as TJsonRpcResponse | TJsonRpcResponse[];
        const result = Array.isArray(answer)
          ? await Promise.all(
              answer.map((item, index) => withL1Fee(item, (parsed as { method: string }[])[index]!.method)),
            )
          : await withL1Fee(answer, (parsed as { method: string }).method);
        reply.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      } catch (error) {
        reply.writeHead(502).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
