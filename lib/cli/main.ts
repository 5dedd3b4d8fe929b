#!/usr/bin/env node
/**
 * The `cdk8s-alloy` command: `check`, `import` and `fmt` for config.alloy files.
 *
 *   cdk8s-alloy check config.alloy          report what Alloy v1.18.1 would refuse, at line:col
 *   cdk8s-alloy import config.alloy -o x.ts  write a TypeScript module that builds the same config
 *   cdk8s-alloy fmt -w config.alloy          format as `alloy fmt` does
 *
 * Exit status: 0 when all is well, 1 when a file has problems (or is not formatted, with
 * `fmt --test`), 2 when the command line is wrong or a file cannot be read.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkCommand } from './check';
import { fmtCommand } from './fmt';
import { importCommand } from './import';
import { CliIO, Command, processIO } from './io';

/** One subcommand: its name, a one-line summary for the overview, and what runs it. */
export interface Subcommand {
  readonly name: string;
  readonly summary: string;
  readonly run: Command;
}

/** The subcommands, in the order the overview lists them. */
export const SUBCOMMANDS: readonly Subcommand[] = [
  { name: 'check', summary: 'report what Alloy v1.18.1 would refuse in config.alloy files, at line:col', run: checkCommand },
  { name: 'import', summary: 'turn a config.alloy into a TypeScript module built from typed constructs', run: importCommand },
  { name: 'fmt', summary: 'format config.alloy files exactly as `alloy fmt` does', run: fmtCommand },
];

const OVERVIEW = [
  'Usage: cdk8s-alloy <command> [flags] [files]',
  '',
  'Commands:',
  ...SUBCOMMANDS.map((c) => `  ${c.name.padEnd(8)}${c.summary}`),
  '',
  'Run "cdk8s-alloy <command> --help" for the flags of a command.',
  '',
].join('\n');

/** This package's version, from the package.json above this file (lib/cli in source, build/lib/cli built). */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      return (JSON.parse(fs.readFileSync(file, 'utf-8')) as { version: string }).version;
    }
    if (path.dirname(dir) === dir) {
      return 'unknown';
    }
  }
}

/** Runs the command line `args` (without node and the script) and returns the exit status. */
export function runCli(args: readonly string[], io: CliIO = processIO): number {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(OVERVIEW);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  const command = SUBCOMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`cdk8s-alloy: unknown command ${JSON.stringify(name)}; use one of ${SUBCOMMANDS.map((c) => c.name).join(', ')} (cdk8s-alloy --help lists them)\n`);
    return 2;
  }
  try {
    return command.run(rest, io);
  } catch (e) {
    // the parser and the printers recurse once per level of nesting: a value nested thousands
    // of levels deep (which no real config is) runs out of JavaScript's stack
    if (e instanceof RangeError && /call stack/.test(e.message)) {
      io.stderr(`cdk8s-alloy ${name}: the file nests values too deeply to be read (${e.message}); ` +
        'nest lists, objects, parentheses and operators less than a few hundred levels deep\n');
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2));
}
