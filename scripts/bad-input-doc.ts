/**
 * Writes docs/bad-input.md from the catalogue of wrong inputs, with the message each one gets.
 *
 *   npm run docs:bad-input
 */
import * as fs from 'fs';
import * as path from 'path';
import { CATALOGUE } from '../__tests__/support/bad-input-catalogue';

const rows = CATALOGUE.map(([area, name, run]) => {
  let message = '(no error)';
  try {
    run();
  } catch (e) {
    message = (e as Error).message.replace(/^Validation failed with the following errors:\s*\[[^\]]+\]\s*/, '').split('\n')[0];
  }
  return `| ${area} | ${name} | ${message.replace(/\|/g, '\\|')} |`;
});
const text = `# Bad input: what a wrong input gets

Every mistake a user can make with the public API ends in an error that names the construct
path (and the Alloy component, where there is one), says what is wrong, shows the value received
and says how to fix it. Nothing is silently dropped or rewritten. Errors found while building
constructs are thrown at once; those that need the whole app (references, cycles, ports, storage
paths) fail \`cdk8s synth\`.

This table is the catalogue that \`__tests__/bad-input.test.ts\` runs (${CATALOGUE.length} cases);
\`npm run docs:bad-input\` rewrites it. More \`fails when ...\` tests live beside each construct's tests.

| area | case | message |
| --- | --- | --- |
${rows.join('\n')}
`;
fs.writeFileSync(path.join(__dirname, '..', 'docs', 'bad-input.md'), text);
console.log(`wrote docs/bad-input.md: ${CATALOGUE.length} cases`);
