import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export type TLoadResult = {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
};

/** Drives `url` with `connections` concurrent keep-alive connections for `seconds`. */
export async function load(
  url: string,
  options: {
    seconds: number;
    connections: number;
    method?: 'GET' | 'POST';
    body?: string;
    headers?: Record<string, string>;
  },
): Promise<TLoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    method: options.method ?? 'GET',
    body: options.body,
    headers: options.headers,
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Waits until GET url answers 200, or throws after timeoutMs. Returns the milliseconds it took. */
export async function waitForOk(url: string, timeoutMs: number, child?: ChildProcess): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`process exited with ${child.exitCode} before ${url} answered`);
    try {
      const response = await fetch(url);
      if (response.ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs)
      throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The fields of a /proc/<pid>/stat line after the command name (which may hold spaces and parentheses), and
 * the command name. Field 0 is the state; 11 and 12 are utime and stime, 13 and 14 cutime and cstime.
 */
function parseStat(stat: string): { command: string; fields: string[] } {
  const end = stat.lastIndexOf(')');
  return { command: stat.slice(stat.indexOf('(') + 1, end), fields: stat.slice(end + 2).split(' ') };
}

/** Two clock-tick fields of a stat line summed, in ms (10 ms ticks). */
const ticksMs = (fields: string[], first: number) => (Number(fields[first]) + Number(fields[first + 1])) * 10;

/** CPU time (user + system, all threads) a process has used so far, in ms (Linux /proc; 10 ms ticks). */
export function processCpuMs(pid: number): number {
  return ticksMs(parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).fields, 11);
}

/**
 * CPU time (user + system, ms) of this process's children that have exited and been waited for (Linux
 * /proc/self/stat cutime and cstime): e.g. a load generator run with execFile, measured once it is done.
 */
export function exitedChildrenCpuMs(): number {
  return ticksMs(parseStat(readFileSync('/proc/self/stat', 'utf8')).fields, 13);
}

/**
 * CPU time (user + system, ms) used so far by every running process of each command name (the `comm` of
 * /proc/<pid>/stat: e.g. `postgres` sums the server and all its backends). Exited processes are not counted.
 */
export function commandCpuMs(names: readonly string[]): Record<string, number> {
  const totals: Record<string, number> = Object.fromEntries(names.map((name) => [name, 0]));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const { command, fields } = parseStat(stat);
    if (command in totals) totals[command]! += ticksMs(fields, 11);
  }
  return totals;
}

/** The whole machine's busy and idle CPU time so far, in ms summed over cores (Linux /proc/stat). */
export function machineCpuMs(): { busyMs: number; idleMs: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0] = fields;
  return { busyMs: (user + nice + system + irq + softirq) * 10, idleMs: (idle + iowait) * 10 };
}
