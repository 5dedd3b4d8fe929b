/**
 * The shell commands README.md tells a user to run: each line of its `sh` blocks (without its
 * trailing comment) and each inline code span that starts with a command. The tests that run
 * them take them from here, so a command changed in the README is a command changed in the test.
 */
import * as fs from 'fs';
import * as path from 'path';

export const README = path.join(__dirname, '..', '..', 'README.md');

const COMMANDS = /^(npm|npx|kubectl|apt-get|git|docker|docker-compose|openssl|curl|make|node|printf) /;

export function readmeCommands(text = fs.readFileSync(README, 'utf-8')): string[] {
  const commands: string[] = [];
  let inSh = false;
  let inFence = false;
  let prose: string[] = [];
  const spans = () => {
    // a code span may wrap onto the next line: read the paragraph as one line
    for (const m of prose.join(' ').matchAll(/`([^`]+)`/g)) if (COMMANDS.test(m[1])) commands.push(m[1]);
    prose = [];
  };
  for (const line of text.split('\n')) {
    if (/^```/.test(line)) {
      spans();
      inSh = !inFence && /^```(sh|bash|shell)\s*$/.test(line);
      inFence = !inFence;
      continue;
    }
    if (inSh) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command !== '' && !command.startsWith('#')) commands.push(command);
    } else if (!inFence) {
      if (line.trim() === '') spans();
      else prose.push(line.trim());
    }
  }
  spans();
  return commands;
}

/** The one README command that starts with `prefix`. */
export function readmeCommand(prefix: string): string {
  const found = readmeCommands().filter((c) => c.startsWith(prefix));
  if (found.length !== 1) throw new Error(`README.md: expected one command starting "${prefix}", found ${JSON.stringify(found)}`);
  return found[0];
}
