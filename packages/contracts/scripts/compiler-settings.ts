/**
 * Compiler settings shared by the artifact build (scripts/build.ts). foundry.toml repeats them for
 * `forge test` (`optimizer`, `optimizer_runs`, `evm_version`); keep both in step.
 */
export const COMPILER_SETTINGS = {
  // Prague is live on mainnet since Pectra (May 2025) and is solc 0.8.30's default target.
  evmVersion: 'prague',
  // Runs tune for many calls over deployment size: mints and payouts run millions of times.
  optimizer: { enabled: true, runs: 10_000 },
} as const;
