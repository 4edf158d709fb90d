import { VARIABLES } from './variables';

/**
 * Renders packages/api/.env.example from the variable table, so the documentation can never drift from
 * what the configuration reads (a test compares the committed file with this output;
 * `npm run env:example -w @sge/api` rewrites it).
 */
export function renderEnvExample(): string {
  const lines = [
    '# SGE platform configuration. Copy to packages/api/.env and edit; variables already set in the',
    '# environment win over this file. Any secret can instead be read from a file: NAME_FILE=/path.',
    '# Mock mode (the default) needs none of these. Generated from src/config/variables.ts.',
  ];
  let group = '';
  for (const variable of VARIABLES) {
    if (variable.group !== group) {
      group = variable.group;
      lines.push('', `# --- ${group} ---`);
    }
    const notes = [`${variable.purpose}.`];
    if (variable.requiredIn) notes.push(`Required in ${variable.requiredIn.join(' and ')} mode.`);
    if (variable.defaultText) notes.push(`Default: ${variable.defaultText}.`);
    if (variable.secret) notes.push('Secret: may be given as NAME_FILE.');
    lines.push(`# ${notes.join(' ')}`);
    lines.push(
      variable.example === undefined ? `# ${variable.name}=` : `${variable.name}=${variable.example}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
