/**
 * `cdk8s-alloy fmt`: formats a config.alloy file as `alloy fmt` (Alloy v1.18.1) does, with the
 * same arguments and flags (grafana/alloy `internal/alloycli/cmd_fmt.go`): one file or `-`
 * (standard input, also when no file is given), `-w`/`--write` to rewrite the file in place,
 * `-t`/`--test` to only check that it is already formatted. The text goes through
 * {@link formatSource}; a file with syntax errors is refused, every error at file:line:col.
 */
import { AlloySyntaxError, formatSource } from '../alloy/syntax';
import { CliIO, Command } from './io';

export const FMT_USAGE = `Usage: cdk8s-alloy fmt [flags] [file]

Formats an Alloy configuration file exactly as \`alloy fmt\` (Alloy v1.18.1) does.

Reads the file, or standard input when the file is "-" or not given, and writes the
formatted text to standard output.

Flags:
  -w, --write   write the result back to the file instead of standard output
                (not with standard input, not with --test)
  -t, --test    print nothing; exit 1 when the file is not formatted
                (not with --write)
  -h, --help    print this help

Exit status: 0 on success (with --test: the file is formatted); 1 when the file does not parse
or, with --test, is not formatted; 2 when the command line is wrong or the file cannot be read
or written.
`;

interface FmtOptions {
  readonly file: string;
  readonly write: boolean;
  readonly test: boolean;
}

/** A problem with the command line: reported with a pointer to --help. */
class UsageError extends Error {}

const FLAGS: Record<string, 'write' | 'test' | 'help'> = {
  '-w': 'write', '--write': 'write',
  '-t': 'test', '--test': 'test',
  '-h': 'help', '--help': 'help',
};

/** Reads the arguments; undefined means --help was asked for. */
function parseArgs(args: readonly string[]): FmtOptions | undefined {
  const set = { write: false, test: false, help: false };
  const files: string[] = [];
  let flagsDone = false;
  for (const arg of args) {
    if (flagsDone || arg === '-' || !arg.startsWith('-')) {
      files.push(arg);
      continue;
    }
    if (arg === '--') {
      flagsDone = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const flag = FLAGS[name];
    if (flag === undefined) {
      throw new UsageError(`unknown flag ${JSON.stringify(arg)}; the flags are -w/--write, -t/--test and -h/--help`);
    }
    let value = true;
    if (eq !== -1) {
      const text = arg.slice(eq + 1);
      if (text !== 'true' && text !== 'false') {
        throw new UsageError(`flag ${name} takes true or false (got ${JSON.stringify(text)}); write ${name} alone to turn it on`);
      }
      value = text === 'true';
    }
    set[flag] = value;
  }
  if (set.help) {
    return undefined;
  }
  if (files.length > 1) {
    throw new UsageError(
      `takes at most one file (got ${files.length}: ${files.map((f) => JSON.stringify(f)).join(', ')}); format one file per run`,
    );
  }
  if (set.write && set.test) {
    throw new UsageError('cannot use -w/--write and -t/--test at the same time; -w rewrites the file, -t only checks it: pick one');
  }
  const file = files[0] ?? '-';
  if (set.write && file === '-') {
    throw new UsageError('cannot use -w with standard input; name the file to rewrite, or drop -w to print the result');
  }
  return { file, write: set.write, test: set.test };
}

/** Why a file could not be read or written, in words. */
function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file; check the path';
    case 'EISDIR':
      return 'it is a directory; fmt formats one file: name a .alloy file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied; check the file\'s permissions';
    default:
      return (e as Error).message;
  }
}

export const fmtCommand: Command = (args: readonly string[], io: CliIO): number => {
  let options: FmtOptions | undefined;
  try {
    options = parseArgs(args);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`cdk8s-alloy fmt: ${e.message}\nRun 'cdk8s-alloy fmt --help' for usage.\n`);
      return 2;
    }
    throw e;
  }
  if (options === undefined) {
    io.stdout(FMT_USAGE);
    return 0;
  }
  const { file, write, test } = options;
  const name = file === '-' ? '<stdin>' : file;

  let text: string;
  try {
    text = io.readFile(file);
  } catch (e) {
    io.stderr(`cdk8s-alloy fmt: cannot read ${name}: ${describeFsError(e)}\n`);
    return 2;
  }

  let formatted: string;
  try {
    formatted = formatSource(text, name);
  } catch (e) {
    if (e instanceof AlloySyntaxError) {
      io.stderr(`${e.message}\ncdk8s-alloy fmt: ${name} has syntax errors (listed above, at file:line:col); ` +
        'fix them and run fmt again: a file that does not parse is left as it is\n');
      return 1;
    }
    throw e;
  }

  if (test) {
    if (formatted !== text) {
      io.stderr(`cdk8s-alloy fmt: ${name} is not formatted correctly; run 'cdk8s-alloy fmt -w ${file === '-' ? '<file>' : file}' to rewrite it\n`);
      return 1;
    }
    return 0;
  }
  if (!write) {
    io.stdout(formatted);
    return 0;
  }
  try {
    io.writeFile(file, formatted);
  } catch (e) {
    io.stderr(`cdk8s-alloy fmt: cannot write ${name}: ${describeFsError(e)}\n`);
    return 2;
  }
  return 0;
};
