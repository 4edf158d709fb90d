// Types of the functions scripts/docs-commands.mjs exports (plain JavaScript: it runs before anything is installed).
export type TBlockPlan =
  | { action: 'run'; command: string }
  | { action: 'skip'; command: string; reason: string }
  | {
      action: 'background';
      command: string;
      role: 'api' | 'workers' | 'chain';
      ready: 'healthz' | 'rpc' | 'started-log';
    };
export function extractBlocks(markdown: string, section: string): string[];
export function mapPorts(text: string, ports: { api: number; chain: number }): string;
export function classifyBlock(script: string): TBlockPlan;
