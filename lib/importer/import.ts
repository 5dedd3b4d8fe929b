/**
 * `importConfig`: turns a parsed config.alloy into a TypeScript module that builds the same
 * config from the generated constructs (see docs/cli-import.md).
 *
 * The module is checked before it is returned: the importer builds the same constructs
 * in-process, renders them, and compares the text with the input byte for byte. What the
 * typed API cannot reproduce is an error naming the line, unless changes are allowed.
 */
import { SyntaxFile, Stmt, formatPosition } from '../alloy/syntax/tree';
import { buildPlan } from './build';
import { EmitOptions, assertFunctionName, emitModule } from './emit';
import { AlloyImportError, ImportProblem, PComponent, planImport } from './plan';

export { AlloyImportError } from './plan';
export type { ImportProblem } from './plan';
export type { EmitOptions, ModuleImports } from './emit';

export interface ImportOptions extends EmitOptions {
  /**
   * Write the module even where it renders config.alloy differently from the input (comments
   * the printer cannot place, values it lays out otherwise); each difference goes to
   * `onNote`. Without it, they are errors.
   *
   * @default false
   */
  readonly allowChanges?: boolean;
  /** Gets each note (`file:line:col: message`): the differences allowed. */
  readonly onNote?: (note: string) => void;
}

/** Returns the source of a TypeScript module that builds `file`'s config; throws an {@link AlloyImportError}. */
export function importConfig(file: SyntaxFile, options: ImportOptions = {}): string {
  assertFunctionName(options.functionName ?? 'buildConfig');
  if (file.body.length === 0) {
    throw new AlloyImportError([{
      position: file.source.position(0),
      message: 'the file holds no component or configuration block, so there is nothing to import; import a config.alloy with at least one block',
    }]);
  }
  const plan = planImport(file);
  const source = file.source;
  const errors: ImportProblem[] = [];
  const at = (c: PComponent | undefined, message: string): ImportProblem => ({
    position: source.position(c === undefined ? 0 : offsetFor(c, message)),
    message,
  });
  const built = buildPlan(plan, (c, e) => errors.push(at(c, `${describe(c)}: ${stripPath(e.message)}`)));
  let rendered: string | undefined;
  if (errors.length === 0) {
    try {
      rendered = built.config.render();
    } catch (e) {
      const message = (e as Error).message;
      const c = [...built.constructs].find(([, k]) => message.startsWith(`${k.node.path}:`) || message.startsWith(`${k.node.path} `))?.[0];
      errors.push(at(c, stripPath(message)));
    }
  }
  if (errors.length > 0) throw new AlloyImportError(errors);

  const notes: ImportProblem[] = [...plan.changes];
  if (notes.length === 0 && rendered !== source.text) {
    notes.push(firstDifference(source.filename, rendered!, source.text));
  }
  if (notes.length > 0 && !options.allowChanges) throw new AlloyImportError(notes);
  const note = (p: ImportProblem): void => options.onNote?.(`${formatPosition(p.position)}: ${p.message}`);
  notes.forEach(note);
  return emitModule(plan, { ...options, filename: options.filename ?? (source.filename || undefined) });
}

function describe(c: PComponent): string {
  return c.label === undefined ? `the ${c.entry.alloyName} block` : `${c.entry.alloyName} "${c.label}"`;
}

/** The library's message without the scratch construct path it starts with. */
function stripPath(message: string): string {
  return message.replace(/^config\/\S+ \(([^)]*)\)/, '$1').replace(/^config\/\S+: /, '');
}

/** Where to point at for an error of a component: the attribute the message names, if any; else the block. */
function offsetFor(c: PComponent, message: string): number {
  const found = findStmt(c.node.body, (s) => s.type === 'attribute' && new RegExp(`(: |> )${s.name.name}(:|\\[)`).test(message));
  return found === undefined ? c.node.namePos : found.type === 'attribute' ? found.name.pos : found.namePos;
}

function findStmt(body: readonly Stmt[], match: (s: Stmt) => boolean): Stmt | undefined {
  for (const s of body) {
    if (match(s)) return s;
    if (s.type === 'block') {
      const inner = findStmt(s.body, match);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

/** The first line where the rendered text differs from the expected one, as a problem at the input's line. */
function firstDifference(filename: string, rendered: string, expected: string): ImportProblem {
  const got = rendered.split('\n');
  const want = expected.split('\n');
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  const line = i + 1;
  const show = (l: string | undefined): string => (l === undefined ? 'the end of the file' : JSON.stringify(l));
  return {
    position: { filename, line, column: 1 },
    message: `the typed constructs render this line as ${show(got[i])} where the input has ${show(want[i])}; ` +
      'the canonical printer lays some values out its own way (an object breaks over lines unless marked Layout.oneLine, ' +
      'literals print in their shortest form, operators as the value model parenthesizes them): if the input is not formatted by alloy fmt, ' +
      'format it first; otherwise write that value as the printer does, or import with changes allowed',
  };
}
