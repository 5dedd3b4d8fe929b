/**
 * The facts of imports/alloy/facts.json, and a check of rendered blocks against them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Statement } from '../../lib/alloy';

export type ArgFacts = { kind: string; required: boolean };
export type BlockFacts = { required: boolean; labelled: boolean; arguments: Record<string, ArgFacts> };
export type ComponentFacts = { stability: string; removed?: boolean; arguments: Record<string, ArgFacts>; blocks: Record<string, BlockFacts> };

export const facts = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'imports', 'alloy', 'facts.json'), 'utf-8')) as {
  components: Record<string, ComponentFacts>;
  configBlocks: Record<string, ComponentFacts>;
};

/** Names in `stmts` (the body of a block of `c`) that Alloy does not know at that path. */
export function unknownNames(stmts: readonly Statement[], c: ComponentFacts, at = ''): string[] {
  const problems: string[] = [];
  const args = at === '' ? c.arguments : c.blocks[at].arguments;
  for (const s of stmts) {
    if (s.kind === 'attribute' && !(s.name in args)) problems.push(`${at || '(body)'}: ${s.name}`);
    if (s.kind === 'block') {
      const p = at === '' ? s.name : `${at} > ${s.name}`;
      if (!(p in c.blocks)) problems.push(`block ${p}`);
      else problems.push(...unknownNames(s.body, c, p));
    }
  }
  return problems;
}
