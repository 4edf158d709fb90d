import { describe, expect, it } from 'vitest';
import { throttledWarning } from './throttled-warning';

describe('throttledWarning', () => {
  it('logs the first warning at once, then one line per interval with the count of those left out', () => {
    let time = 1_000;
    const lines: Record<string, unknown>[] = [];
    const log = { warn: (fields: Record<string, unknown>) => lines.push(fields) };
    const warn = throttledWarning(60_000, () => time);
    for (let n = 0; n < 1_000; n += 1) {
      warn(log as never, { reason: 'bad signature' }, 'refused');
      time += 10; // a flood: 100 per second for 10 s
    }
    expect(lines).toEqual([{ reason: 'bad signature', suppressed: 0, suppressedForMs: 60_000 }]);
    time += 60_000;
    warn(log as never, { reason: 'bad signature' }, 'refused');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ suppressed: 999 });
  });
});
