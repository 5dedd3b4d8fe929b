/**
 * `cdk8s-alloy check`: reads config.alloy files written by hand (or by anything else) and
 * reports what Alloy v1.18.1 would refuse, each problem at `file:line:col`. See docs/cli-check.md.
 */
import { CheckDiagnostic, CheckResult, checkFile } from '../alloy/check';
import { explainSyntaxError, parseFile } from '../alloy/syntax/parser';
import { StabilityLevel, leastStable } from '../alloy/stability';
import { formatPosition } from '../alloy/syntax/tree';
import { Command } from './io';

export const CHECK_USAGE = `Usage: cdk8s-alloy check [--json] [--stability.level=<level>] FILE...

Checks config.alloy files against Alloy v1.18.1: syntax, component, block and argument names,
required arguments and blocks, the kinds of literal values, labels, references and exports,
cycles, and the --stability.level each file needs. FILE - reads standard input.

Options:
  --json                      print one JSON document instead of lines
  --stability.level=<level>   the level Alloy runs with (generally-available, public-preview,
                              experimental): anything less stable is an error
  -h, --help                  print this help

Exit status: 0 when no file has an error (warnings allowed), 1 when one has, 2 on a usage
error (unknown flag, no file, a file that cannot be read).
`;

const LEVELS: readonly StabilityLevel[] = ['generally-available', 'public-preview', 'experimental'];

/** What the check found in one file. */
interface FileReport extends CheckResult {
  readonly file: string;
}

export const checkCommand: Command = (args, io) => {
  let json = false;
  let level: StabilityLevel | undefined;
  const files: string[] = [];
  const usage = (message: string): number => {
    io.stderr(`cdk8s-alloy check: ${message}\n\n${CHECK_USAGE}`);
    return 2;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help') {
      io.stdout(CHECK_USAGE);
      return 0;
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '--stability.level' || arg.startsWith('--stability.level=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      if (!LEVELS.includes(value as StabilityLevel)) {
        return usage(`invalid --stability.level (got ${value === undefined ? 'nothing' : JSON.stringify(value)}); use one of ${LEVELS.join(', ')}`);
      }
      level = value as StabilityLevel;
    } else if (arg === '--') {
      files.push(...args.slice(i + 1));
      break;
    } else if (arg.startsWith('-') && arg !== '-') {
      return usage(`unknown flag ${JSON.stringify(arg)}; the flags are --json, --stability.level=<level> and --help`);
    } else {
      files.push(arg);
    }
  }
  if (files.length === 0) {
    return usage('no file given; name one or more config.alloy files, or - for standard input');
  }
  const texts: Array<[string, string]> = [];
  for (const file of files) {
    try {
      texts.push([file, io.readFile(file)]);
    } catch (e) {
      io.stderr(`cdk8s-alloy check: cannot read ${file === '-' ? 'standard input' : file}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const reports: FileReport[] = texts.map(([file, text]) => checkText(file === '-' ? '<stdin>' : file, text, level));
  const all = reports.flatMap((r) => r.diagnostics);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.length - errors;
  const needs = leastStable(reports.map((r) => r.stabilityLevel));
  const community = [...new Set(reports.flatMap((r) => r.communityComponents))].sort();
  if (json) {
    io.stdout(`${JSON.stringify({
      files: reports.map((r) => ({
        file: r.file,
        stabilityLevel: r.stabilityLevel,
        communityComponents: r.communityComponents,
        errors: r.diagnostics.filter((d) => d.severity === 'error').length,
        warnings: r.diagnostics.filter((d) => d.severity === 'warning').length,
        diagnostics: r.diagnostics.map(toJson),
      })),
      stabilityLevel: needs,
      communityComponents: community,
      errors,
      warnings,
    }, null, 2)}\n`);
  } else {
    for (const d of all) {
      io.stdout(`${formatPosition(d.position)}: ${d.severity}: ${d.message} [${d.code}]\n`);
    }
    io.stdout(`${summary(reports.length, errors, warnings, needs, community)}\n`);
  }
  return errors > 0 ? 1 : 0;
};

/** Parses and checks one file; a file that does not parse gets its syntax errors only. */
function checkText(file: string, text: string, level: StabilityLevel | undefined): FileReport {
  const parsed = parseFile(text, file);
  if (parsed.diagnostics.length > 0) {
    return {
      file,
      diagnostics: parsed.diagnostics.map((d) => ({
        severity: 'error',
        code: 'syntax',
        position: d.position,
        // every diagnostic of --json has an end; a syntax error ends where it starts
        endPosition: d.endPosition ?? d.position,
        message: explainSyntaxError(d.message),
      })),
      stabilityLevel: 'generally-available',
      communityComponents: [],
    };
  }
  return { file, ...checkFile(parsed.file, { stabilityLevel: level }) };
}

function toJson(d: CheckDiagnostic): object {
  return {
    severity: d.severity,
    code: d.code,
    file: d.position.filename,
    line: d.position.line,
    column: d.position.column,
    ...(d.endPosition === undefined ? {} : { endLine: d.endPosition.line, endColumn: d.endPosition.column }),
    message: d.message,
  };
}

function summary(files: number, errors: number, warnings: number, needs: StabilityLevel, community: readonly string[]): string {
  const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const parts = [`${plural(files, 'file')} checked: ${plural(errors, 'error')}`];
  if (warnings > 0) parts[0] += `, ${plural(warnings, 'warning')}`;
  parts.push(`needs --stability.level=${needs}`);
  if (community.length > 0) parts.push(`and --feature.community-components.enabled=true (${community.join(', ')})`);
  return parts.join('; ').replace('; and', ' and');
}
