// `npm run start:api` / `start:workers`: runs the built API (dist/main.js), or says what to run when it is not built.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(
    'The API is not built (packages/api/dist/main.js is missing).\n' +
      'Run `npm run build` first, then this command again — or `npm run dev` to run everything in Mock mode.\n',
  );
  process.exit(1);
}
await import(pathToFileURL(main).href);
