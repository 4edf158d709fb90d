import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Path of a foundry binary (anvil, forge) shipped in the platform package of `@foundry-rs/<tool>`.
 * The packages' postinstall scripts are not needed: the binary is already inside the platform package.
 */
export function foundryBinPath(tool: 'anvil' | 'forge'): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const platformPackage = `@foundry-rs/${tool}-${process.platform}-${arch}`;
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve(`${platformPackage}/package.json`));
  } catch (cause) {
    throw new Error(`${tool} binary not installed: ${platformPackage} is missing (run npm install)`, {
      cause,
    });
  }
  const binPath = join(packageDir, 'bin', process.platform === 'win32' ? `${tool}.exe` : tool);
  if (!existsSync(binPath)) throw new Error(`${tool} binary not found at ${binPath}`);
  return binPath;
}
