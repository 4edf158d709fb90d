/**
 * The first page's bundle: what a browser downloads before the app can render, i.e. index.html and every
 * script, module preload and stylesheet it names (the lazily loaded chunks are not counted), in bytes and
 * gzipped bytes. Run after `npm run build -w @sge/app`:
 *
 *   npx tsx packages/app/scripts/first-page-size.ts [distDir]   # prints JSON
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const distDir = process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url));
const html = readFileSync(join(distDir, 'index.html'), 'utf8');
const referenced = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map(
  (match) => match[1] ?? '',
);
const files = ['index.html', ...new Set(referenced)].map((path) => {
  const bytes = readFileSync(join(distDir, path));
  return { path, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
});
const total = (key: 'bytes' | 'gzipBytes') => files.reduce((sum, file) => sum + file[key], 0);
console.log(
  JSON.stringify({ files, totalBytes: total('bytes'), totalGzipBytes: total('gzipBytes') }, null, 2),
);
