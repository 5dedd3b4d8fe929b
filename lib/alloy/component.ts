/**
 * The base of every Alloy component construct.
 */
import { Construct, IConstruct } from 'constructs';
import { BodySchema, renderBody } from './schema';
import { Stability } from './stability';
import { Block, Statement, assertIdentifier, attribute, block, printFile } from './syntax';
import type { AlloyValue } from './syntax';

/** Marks an AlloyConfig, so components find theirs without importing it (no import cycle). */
export const ALLOY_CONFIG_MARKER = Symbol.for('cdk8s-alloy.AlloyConfig');

/** Props every component takes. */
export interface AlloyComponentProps {
  /**
   * The component's label in config.alloy (`otelcol.exporter.otlp "<label>"`); must be a
   * valid Alloy identifier and unique among components of the same name in the config.
   *
   * @default - the construct id
   */
  readonly label?: string;
}

/** What a component class tells its base. */
export interface ComponentDefinition {
  /** Alloy's component name, such as `otelcol.exporter.otlp`. */
  readonly name: string;
  readonly stability: Stability;
  readonly schema: BodySchema;
}

/** An Alloy component: `name "label" { arguments and blocks }` in config.alloy. */
export abstract class AlloyComponent extends Construct {
  /** Whether `x` is an AlloyComponent. */
  public static isAlloyComponent(x: unknown): x is AlloyComponent {
    return x instanceof AlloyComponent;
  }

  /** Alloy's component name, such as `otelcol.exporter.otlp`. */
  public readonly componentName: string;
  /** The label in config.alloy. */
  public readonly label: string;
  /** The component's stability level in Alloy v1.18. */
  public readonly stability: Stability;
  /** The config this component belongs to (its nearest AlloyConfig ancestor). */
  public readonly config: IConstruct;

  private readonly props: object;
  private readonly schema: BodySchema;
  private readonly extraAttributes: Array<[string, AlloyValue]> = [];
  private readonly extraBlocks: Block[] = [];

  protected constructor(scope: Construct, id: string, definition: ComponentDefinition, props: AlloyComponentProps) {
    super(scope, id);
    this.componentName = definition.name;
    this.stability = definition.stability;
    this.schema = definition.schema;
    this.props = props;
    this.label = props.label ?? id;
    assertIdentifier(
      `${this.node.path}: ${definition.name}`,
      props.label === undefined ? 'label (taken from the construct id; pass props.label to choose another)' : 'label',
      this.label,
    );
    const config = this.node.scopes.find((s) => (s as unknown as Record<symbol, unknown>)[ALLOY_CONFIG_MARKER] === true);
    if (config === undefined) {
      throw new Error(
        `${this.node.path}: ${definition.name} "${this.label}" is not inside an AlloyConfig; ` +
        'create it with an AlloyConfig (or a construct beneath one) as its scope',
      );
    }
    (config as unknown as { assertOpen(path: string): void }).assertOpen(this.node.path);
    this.config = config;
  }

  /** `name.label`, the prefix of every export's reference. */
  public get componentId(): string {
    return `${this.componentName}.${this.label}`;
  }

  /**
   * Escape hatch: adds an attribute the typed props do not model. The name must be a
   * valid identifier and must not be one the props already render.
   */
  public addAttribute(name: string, value: AlloyValue): void {
    assertIdentifier(this.node.path, 'attribute name', name);
    if (this.renderedNames().has(name) || this.extraAttributes.some(([n]) => n === name)) {
      throw new Error(
        `${this.node.path}: attribute "${name}" is already set; set it through the typed props or once here`,
      );
    }
    this.extraAttributes.push([name, value]);
  }

  /** Escape hatch: adds a block the typed props do not model. */
  public addBlock(name: string, body: readonly Statement[]): void {
    assertIdentifier(this.node.path, 'block name', name);
    const extra = block(name, undefined, body);
    try {
      printFile([extra]);
    } catch (e) {
      throw new Error(`${this.node.path}: block "${name}" cannot be printed: ${(e as Error).message}`);
    }
    this.extraBlocks.push(extra);
  }

  /** The component as a block of config.alloy. */
  public toStatement(): Block {
    const body = renderBody(this.node.path, this.props, this.schema);
    const attrs = body.filter((s) => s.kind === 'attribute');
    const blocks = body.filter((s) => s.kind !== 'attribute');
    const extras = this.extraAttributes.map(([name, value]) => attribute(name, value));
    return block(this.componentName, this.label, [...attrs, ...extras, ...blocks, ...this.extraBlocks]);
  }

  /** The path of an export, such as `otelcol.processor.batch.default.input`. */
  protected exportPath(name: string): string {
    return `${this.componentId}.${name}`;
  }

  private renderedNames(): Set<string> {
    const props = this.props as Record<string, unknown>;
    return new Set(
      Object.entries(this.schema)
        .filter(([prop]) => props[prop] !== undefined)
        .map(([, field]) => field.name),
    );
  }
}
