/**
 * The bases of every generated Alloy construct: components (`name "label" { }`) and the
 * configuration blocks of a file (`logging { }`, `tracing { }`, ...).
 */
import { Construct, IConstruct } from 'constructs';
import { LayoutItem, applyLayout, checkLayoutItems } from './layout';
import { duplicateLabelProblem } from './rules';
import { BodySchema, checkStatements, knownNames, renderBody } from './schema';
import { Stability } from './stability';
import { AlloyValue, Block, Statement, assertIdentifier, attribute, block, printFile } from './syntax';

/** Marks an AlloyConfig, so components find theirs without importing it (no import cycle). */
export const ALLOY_CONFIG_MARKER = Symbol.for('cdk8s-alloy.AlloyConfig');

/** What a generated class tells its base. */
export interface ComponentDefinition {
  /** Alloy's name, such as `otelcol.exporter.otlp` or `logging`. */
  readonly name: string;
  readonly stability: Stability;
  readonly schema: BodySchema;
}

/** What every block construct of a config shares: rendering props through a schema, and escape hatches. */
export abstract class AlloyBlockConstruct extends Construct {
  /** Alloy's name, such as `otelcol.exporter.otlp`. */
  public readonly componentName: string;
  /** Stability level in Alloy v1.18.1. */
  public readonly stability: Stability;
  /** The config this belongs to (its nearest AlloyConfig ancestor). */
  public readonly config: IConstruct;

  protected readonly props: object;
  protected readonly schema: BodySchema;
  private readonly extraAttributes: Array<[string, AlloyValue]> = [];
  private readonly extraBlocks: Block[] = [];
  private bodyLayout?: readonly LayoutItem[];

  protected constructor(scope: Construct, id: string, definition: ComponentDefinition, props: object, what: string) {
    super(scope, id);
    this.componentName = definition.name;
    this.stability = definition.stability;
    this.schema = definition.schema;
    this.props = props;
    const config = this.node.scopes.find((s) => (s as unknown as Record<symbol, unknown>)[ALLOY_CONFIG_MARKER] === true);
    if (config === undefined) {
      throw new Error(
        `${this.node.path}: ${what} is not inside an AlloyConfig; create it with an AlloyConfig (or a construct beneath one) as its scope`,
      );
    }
    (config as unknown as { assertOpen(path: string): void }).assertOpen(this.node.path);
    this.config = config;
  }

  /**
   * Escape hatch: sets an argument the typed props do not model well. The name must be one
   * Alloy v1.18.1 knows for this block and must not be set through the props already; the
   * value goes through the value model, so the output stays canonical.
   */
  public addAttribute(name: string, value: AlloyValue): void {
    this.assertKnown('', name, 'argument');
    checkStatements(this.subject, [attribute(name, value)], this.schema);
    if (this.renderedNames().has(name) || this.extraAttributes.some(([n]) => n === name)) {
      throw new Error(
        `${this.node.path}: attribute "${name}" is already set; set it through the typed props or once here`,
      );
    }
    this.extraAttributes.push([name, value]);
  }

  /** Escape hatch: adds a block; its name and every name inside must be known to Alloy. */
  public addBlock(name: string, body: readonly Statement[]): void {
    this.assertKnown('', name, 'block');
    const extra = block(name, undefined, body);
    this.checkBody(name, body);
    checkStatements(this.subject, [extra], this.schema);
    try {
      printFile([extra]);
    } catch (e) {
      throw new Error(`${this.node.path}: block "${name}" cannot be printed: ${(e as Error).message}`);
    }
    this.extraBlocks.push(extra);
  }

  /**
   * Escape hatch for layout: prints this block's body in the order of `items`, with comment
   * lines and blank lines, as a hand-written file has it (`cdk8s-alloy import` writes these).
   * Each item is an attribute or block name, `Layout.block(name, [...])` for a block whose own
   * body needs a layout too, `Layout.comment(text)` or `Layout.blank()`. Every attribute and
   * block the props and escape hatches render must be listed, each once (a repeated block once
   * per block, in the order the props give them); this is checked at synth.
   *
   * @example component.layout(['targets', Layout.comment('where the samples go'), 'forward_to'])
   */
  public layout(items: readonly LayoutItem[]): void {
    if (this.bodyLayout !== undefined) {
      throw new Error(`${this.node.path}: layout is already set; call layout once, with every item`);
    }
    checkLayoutItems(`${this.node.path}: layout`, items);
    this.bodyLayout = [...items];
  }

  /** The block of config.alloy. */
  public toStatement(): Block {
    const body = renderBody(this.subject, this.props, this.schema);
    const attrs = body.filter((s) => s.kind === 'attribute');
    const blocks = body.filter((s) => s.kind !== 'attribute');
    const extras = this.extraAttributes.map(([name, value]) => attribute(name, value));
    const statements = [...attrs, ...extras, ...blocks, ...this.extraBlocks];
    const laidOut = this.bodyLayout === undefined ? statements : applyLayout(this.subject, statements, this.bodyLayout);
    return block(this.componentName, this.blockLabel(), laidOut);
  }

  /** The label printed after the name, if any. */
  protected abstract blockLabel(): string | undefined;

  /** How errors name this block: the construct path and the Alloy address. */
  protected get subject(): string {
    const label = this.blockLabel();
    return `${this.node.path} (${this.componentName}${label === undefined ? '' : `.${label}`})`;
  }

  private assertKnown(path: string, name: string, what: string): void {
    const known = knownNames(this.schema).get(path) ?? new Set<string>();
    if (!known.has(name)) {
      const where = path === '' ? this.componentName : `${this.componentName} > ${path}`;
      throw new Error(
        `${this.node.path}: Alloy v1.18.1 knows no ${what} "${name}" in ${where}; ` +
        `use one of ${[...known].sort().join(', ') || '(none)'}`,
      );
    }
  }

  private checkBody(path: string, body: readonly Statement[]): void {
    for (const s of body) {
      if (s.kind === 'comment') continue;
      this.assertKnown(path, s.name, s.kind === 'block' ? 'block' : 'argument');
      if (s.kind === 'block') this.checkBody(`${path} > ${s.name}`, s.body);
    }
  }

  private renderedNames(): Set<string> {
    const props = this.props as Record<string, unknown>;
    return new Set(
      Object.entries(this.schema)
        .filter(([prop, field]) => props[prop] !== undefined && field.kind !== 'enum')
        .map(([, field]) => (field as { name: string }).name),
    );
  }
}

/** Props every component takes. */
export interface AlloyComponentProps {
  /**
   * The component's label in config.alloy (`otelcol.exporter.otlp "<label>"`); must be a
   * valid Alloy identifier and unique among components of the same name in the config.
   * Components of different names may share one: with another id and this label, or with
   * the same id (the second is then created under the construct id `<name>.<id>`).
   *
   * @default - the construct id
   */
  readonly label?: string;
  /**
   * Say that data reaching this component may go nowhere: its `output` block or `forward_to`
   * list is empty on purpose. Without it, an empty output is an error, since Alloy would
   * silently drop the data.
   *
   * @default false
   */
  readonly dropOutput?: boolean;
}

/** An Alloy component: `name "label" { arguments and blocks }` in config.alloy. */
export abstract class AlloyComponent extends AlloyBlockConstruct {
  /** Whether `x` is an AlloyComponent. */
  public static isAlloyComponent(x: unknown): x is AlloyComponent {
    return x instanceof AlloyComponent;
  }

  /** The label in config.alloy. */
  public readonly label: string;

  protected constructor(scope: Construct, id: string, definition: ComponentDefinition, props: AlloyComponentProps) {
    super(scope, AlloyComponent.constructId(scope, id, definition, props), definition, props, `${definition.name} "${props.label ?? id}"`);
    this.label = props.label ?? id;
    assertIdentifier(
      `${this.node.path}: ${definition.name}`,
      props.label === undefined ? 'label (taken from the construct id; pass props.label to choose another)' : 'label',
      this.label,
    );
  }

  /**
   * The construct id to create the component under: `id` when it is free in `scope`; when a
   * component of another Alloy name holds it (Alloy allows `discovery.relabel "x"` next to
   * `prometheus.scrape "x"`), `<name>.<id>`, such as `prometheus.scrape.x`, so ids that were
   * free keep their paths. Any other clash is an error that says how to pass `label`, instead
   * of cdk8s's "There is already a Construct with name".
   */
  private static constructId(scope: Construct, id: string, definition: ComponentDefinition, props: AlloyComponentProps): string {
    const taken = scope.node.tryFindChild(id);
    if (taken === undefined) {
      return id;
    }
    const alternative = `${definition.name}.${id}`;
    const otherName = AlloyComponent.isAlloyComponent(taken) && taken.componentName !== definition.name;
    const holder = otherName ? scope.node.tryFindChild(alternative) : taken;
    if (holder === undefined) {
      return alternative;
    }
    const path = `${scope.node.path}/${id}`;
    const label = props.label ?? id;
    if (AlloyComponent.isAlloyComponent(holder) && holder.componentName === definition.name && holder.label === label) {
      throw new Error(duplicateLabelMessage(
        path, definition.name, label, holder.node.path,
        props.label === undefined ? 'pass another id (the label follows it)' : `pass another id and another label, such as label: '${label}_2'`,
      ));
    }
    const what = AlloyComponent.isAlloyComponent(taken) ? `${taken.componentName} "${taken.label}"`
      : taken instanceof AlloyBlockConstruct ? `the ${taken.componentName} block` : 'a construct that is not an Alloy component';
    throw new Error(
      `${path}: the construct id is already taken by ${what} in ${scope.node.path} (got id "${id}"); ` +
      `pass another id, with label: '${label}' in the props to keep the Alloy label ${definition.name} "${label}"`,
    );
  }

  /** `name.label`, the prefix of every export's reference. */
  public get componentId(): string {
    return `${this.componentName}.${this.label}`;
  }

  /**
   * Where data would be dropped: an `output` block that sends nowhere, or an empty
   * `forward_to`; undefined when the component sends somewhere or says dropOutput.
   */
  public droppedOutput(): string | undefined {
    const props = this.props as Record<string, unknown> & AlloyComponentProps;
    if (props.dropOutput) {
      return undefined;
    }
    for (const [prop, field] of Object.entries(this.schema)) {
      if (field.kind === 'block' && field.name === 'output' && props[prop] !== undefined) {
        const lists = Object.values(props[prop] as Record<string, unknown>);
        if (!lists.some((l) => Array.isArray(l) && l.length > 0)) {
          return `its output block sends nowhere (prop ${prop})`;
        }
      }
      if (field.kind === 'attribute' && field.name === 'forward_to' && Array.isArray(props[prop]) && (props[prop] as unknown[]).length === 0) {
        return `its forward_to is empty (prop ${prop})`;
      }
    }
    return undefined;
  }

  protected blockLabel(): string {
    return this.label;
  }

  /** The path of an export, such as `otelcol.processor.batch.default.input`. */
  protected exportPath(name: string): string {
    return `${this.componentId}.${name}`;
  }
}

/**
 * The error for two components of one Alloy name with one label: `path` is the second's,
 * `otherPath` the first's, `fix` how to pass another label.
 */
export function duplicateLabelMessage(path: string, name: string, label: string, otherPath: string, fix: string): string {
  return `${path}: ${duplicateLabelProblem(name, label, otherPath, fix)}`;
}

/** A configuration block of a file (`logging`, `tracing`, `http`, `livedebugging`): no label, at most one. */
export abstract class AlloyConfigBlock extends AlloyBlockConstruct {
  /** Whether `x` is an AlloyConfigBlock. */
  public static isAlloyConfigBlock(x: unknown): x is AlloyConfigBlock {
    return x instanceof AlloyConfigBlock;
  }

  protected constructor(scope: Construct, id: string, definition: ComponentDefinition, props: object) {
    super(scope, id, definition, props, `the ${definition.name} block`);
  }

  protected blockLabel(): undefined {
    return undefined;
  }
}
