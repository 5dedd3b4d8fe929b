/**
 * Runs a command of the `cdk8s-alloy` CLI in-process with an in-memory file system: what it
 * prints, its exit status and what it writes.
 */
import { CliIO, Command } from '../../lib/cli/io';

export interface MemoryRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Every file after the run, read or written. */
  readonly files: Record<string, string>;
  /** The files the command wrote, with what it wrote. */
  readonly written: Record<string, string>;
}

/** The error a failing file operation throws, with its Node.js code. */
export function fsError(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/**
 * Runs `command` with `args` on `files` (not changed: the run gets a copy). `fault` may make
 * an operation on a path fail: it returns the error to throw, or undefined.
 */
export function runInMemory(
  command: Command,
  args: readonly string[],
  files: Record<string, string> = {},
  fault: (op: 'read' | 'write', path: string) => Error | undefined = () => undefined,
): MemoryRun {
  const state = { ...files };
  const written: Record<string, string> = {};
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readFile: (p) => {
      const error = fault('read', p);
      if (error) throw error;
      if (!(p in state)) throw fsError('ENOENT', `no such file or directory, open '${p}'`);
      return state[p];
    },
    writeFile: (p, t) => {
      const error = fault('write', p);
      if (error) throw error;
      state[p] = t;
      written[p] = t;
    },
  };
  const code = command(args, io);
  return { code, stdout, stderr, files: state, written };
}
