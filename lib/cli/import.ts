/**
 * `cdk8s-alloy import FILE [-o OUT.ts] [--name NAME] [--allow-changes]`: writes a TypeScript
 * module that builds FILE's config from the generated constructs (docs/cli-import.md).
 */
import { AlloyImportError, importConfig } from '../importer';
import { explainSyntaxError, parseFile } from '../alloy/syntax/parser';
import { formatPosition } from '../alloy/syntax/tree';
import { Command } from './io';

const HELP = [
  'Usage: cdk8s-alloy import FILE [-o OUT.ts] [--name NAME] [--allow-changes]',
  '',
  'Writes a TypeScript module that builds the config of FILE (a config.alloy; - reads standard',
  'input) from the typed constructs of cdk8s-alloy. The module is checked first: built and',
  'rendered, it must reproduce FILE byte for byte, its order, comments and blank lines included.',
  '',
  'Flags:',
  '  -o, --out OUT.ts   write the module to OUT.ts (default: standard output)',
  '  --name NAME        the name of the exported function (default: buildConfig)',
  '  --allow-changes    write the module even where it renders FILE differently (comments the',
  '                     printer cannot place, values it lays out otherwise); each difference',
  '                     is reported on standard error',
  '  -h, --help         show this help',
  '',
  'Exit status: 0 written, 1 FILE cannot be imported (every problem at file:line:col on',
  'standard error), 2 wrong command line or FILE cannot be read.',
  '',
].join('\n');

/** The `import` command. */
export const importCommand: Command = (args, io) => {
  let file: string | undefined;
  let out: string | undefined;
  let functionName: string | undefined;
  let allowChanges = false;
  const usage = (message: string): number => {
    io.stderr(`cdk8s-alloy import: ${message}; run cdk8s-alloy import --help for usage\n`);
    return 2;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') {
      io.stdout(HELP);
      return 0;
    } else if (arg === '-o' || arg === '--out' || arg === '--name') {
      const value = args[++i];
      if (value === undefined) return usage(`${arg} needs a value`);
      if (arg === '--name') functionName = value;
      else out = value;
    } else if (arg === '--allow-changes') {
      allowChanges = true;
    } else if (arg.startsWith('-') && arg !== '-') {
      return usage(`unknown flag ${JSON.stringify(arg)}`);
    } else if (file !== undefined) {
      return usage(`one FILE at a time (got ${JSON.stringify(file)} and ${JSON.stringify(arg)})`);
    } else {
      file = arg;
    }
  }
  if (file === undefined) return usage('no FILE given');
  const filename = file === '-' ? '<stdin>' : file;
  let text: string;
  try {
    text = io.readFile(file);
  } catch (e) {
    io.stderr(`cdk8s-alloy import: cannot read ${filename}: ${(e as Error).message}\n`);
    return 2;
  }
  const parsed = parseFile(text, filename);
  if (parsed.diagnostics.length > 0) {
    io.stderr(parsed.diagnostics.map((d) => `${formatPosition(d.position)}: ${explainSyntaxError(d.message)}\n`).join(''));
    return 1;
  }
  let source: string;
  try {
    source = importConfig(parsed.file, {
      functionName,
      allowChanges,
      onNote: (note) => io.stderr(`note: ${note}\n`),
    });
  } catch (e) {
    if (e instanceof AlloyImportError) {
      io.stderr(`${e.message}\n`);
      if (!allowChanges) io.stderr('cdk8s-alloy import: no module written; fix the problems above, or pass --allow-changes where a difference is acceptable\n');
      return 1;
    }
    io.stderr(`cdk8s-alloy import: ${(e as Error).message}\n`);
    return 2;
  }
  if (out === undefined) {
    io.stdout(source);
  } else {
    try {
      io.writeFile(out, source);
    } catch (e) {
      io.stderr(`cdk8s-alloy import: cannot write ${out}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  return 0;
};
