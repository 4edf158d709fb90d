import { z } from 'zod';
import { ZAddress } from './status';

/**
 * GET /api/dev/wallet (Mock mode only): anvil's published development account that the app uses in place
 * of a browser wallet. The key is public knowledge and only ever holds test funds on the local chain.
 */
export const ZDevWallet = z.object({
  address: ZAddress,
  privateKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'a 32-byte hex private key'),
  chainId: z.number().int().positive(),
});
export type TDevWallet = z.infer<typeof ZDevWallet>;
