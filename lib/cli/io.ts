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
  readFile: (path) => decodeUtf8(fs.readFileSync(path === '-' ? 0 : path)),
  writeFile: (path, text) => fs.writeFileSync(path, text, 'utf8'),
};

/**
 * The text of a file's bytes, which must be UTF-8, as Alloy requires ("illegal UTF-8
 * encoding", syntax/scanner/scanner.go at v1.18.1). Bytes that are not are never replaced:
 * a formatter that wrote the text back would change them.
 *
 * @throws when a byte is not UTF-8, naming its line and column (in bytes, as Alloy counts)
 */
export function decodeUtf8(bytes: Buffer): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad === -1) {
    return bytes.toString('utf8');
  }
  const before = bytes.subarray(0, bad);
  const line = before.filter((b) => b === 0x0a).length + 1;
  const column = bad - (before.lastIndexOf(0x0a) + 1) + 1;
  throw new Error(
    `line ${line}, column ${column}: byte 0x${bytes[bad].toString(16).padStart(2, '0')} is not UTF-8 ` +
    '(Alloy refuses the file: "illegal UTF-8 encoding"); save the file as UTF-8 text',
  );
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // the sequence's length and the range of its second byte (no overlongs, surrogates or > U+10FFFF)
    const [length, low, high] =
      b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf]
        : b === 0xe0 ? [3, 0xa0, 0xbf]
          : b === 0xed ? [3, 0x80, 0x9f]
            : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf]
              : b === 0xf0 ? [4, 0x90, 0xbf]
                : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf]
                  : b === 0xf4 ? [4, 0x80, 0x8f]
                    : [0, 0, 0];
    if (length === 0) {
      return i;
    }
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      const [lo, hi] = k === 1 ? [low, high] : [0x80, 0xbf];
      if (c === undefined || c < lo || c > hi) {
        return i;
      }
    }
    i += length;
  }
  return -1;
}

/** A command: its arguments (after the subcommand's name) in, an exit status out. */
export type Command = (args: readonly string[], io: CliIO) => number;
