/**
 * What a command of the `cdk8s-alloy` CLI reads and writes, passed in so tests run the
 * commands in-process with captured output and files.
 */
import * as fs from 'fs';

export interface CliIO {
  /** Writes to standard output (text carries its own newlines). */
  readonly stdout: (text: string) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
  /** Reads a file as UTF-8; `-` is standard input. */
  readonly readFile: (path: string) => string;
  /** Writes a file as UTF-8. */
  readonly writeFile: (path: string, text: string) => void;
}

/** The process's own standard streams and file system. */
export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => fs.readFileSync(path === '-' ? 0 : path, 'utf8'),
  writeFile: (path, text) => fs.writeFileSync(path, text, 'utf8'),
};

/** A command: its arguments (after the subcommand's name) in, an exit status out. */
export type Command = (args: readonly string[], io: CliIO) => number;
