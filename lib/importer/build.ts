/**
 * Builds an import plan in-process, with the same constructs and calls the emitted module
 * makes, so the importer can check that the module renders the input before writing it.
 */
import { Construct } from 'constructs';
import { AlloyBlockConstruct, AlloyComponent, AlloyConfig, AlloyValue, Expr, Layout, LayoutItem, PrintOrderItem } from '../alloy';
import { ImportPlan, PBlockProps, PComponent, PLayoutItem, PProp, PValue, toAlloyValue } from './plan';

/** The config the plan builds, and the construct of each of its components. */
export interface BuiltPlan {
  readonly config: AlloyConfig;
  readonly constructs: ReadonlyMap<PComponent, AlloyBlockConstruct>;
}

/**
 * Creates the plan's constructs in a fresh AlloyConfig. An error of the library names the
 * construct it came from; `onError` gets it with the component it belongs to.
 */
export function buildPlan(plan: ImportPlan, onError: (c: PComponent, e: Error) => void): BuiltPlan {
  const root = new Construct(undefined as unknown as Construct, '');
  const config = new AlloyConfig(root, 'config', plan.hasHeader ? {} : { header: false });
  const constructs = new Map<PComponent, AlloyBlockConstruct>();
  const value = (v: PValue): AlloyValue => toValue(v, constructs);
  for (const c of plan.creation) {
    try {
      const props: Record<string, unknown> = Object.fromEntries(c.props.map(([prop, p]) => [prop, propValue(p, value)]));
      if (c.label !== undefined && c.label !== c.id) props.label = c.label;
      const construct = new c.entry.construct(config, c.id, props);
      constructs.set(c, construct);
      if (AlloyComponent.isAlloyComponent(construct) && construct.droppedOutput() !== undefined) {
        // the input sends nowhere on purpose: the component holds this props object, so the flag counts
        c.dropOutput = true;
        props.dropOutput = true;
      }
      if (c.layout !== undefined) construct.layout(c.layout.map(layoutItem));
      construct.toStatement();
    } catch (e) {
      onError(c, e as Error);
    }
  }
  if (plan.printOrder !== undefined) {
    config.printOrder(plan.printOrder.map((item): PrintOrderItem => {
      switch (item.kind) {
        case 'component':
          return constructs.get(item.component)!;
        case 'comment':
          return Layout.comment(item.text);
        case 'blank':
          return Layout.blank();
      }
    }).filter((x) => x !== undefined));
  }
  return { config, constructs };
}

function propValue(p: PProp, value: (v: PValue) => AlloyValue): unknown {
  const blockProps = (b: PBlockProps): Record<string, unknown> => ({
    ...(b.label === undefined ? {} : { label: b.label }),
    ...Object.fromEntries(b.props.map(([prop, inner]) => [prop, propValue(inner, value)])),
  });
  switch (p.kind) {
    case 'value':
      return value(p.value);
    case 'blocks':
      return p.items.length === 1 ? blockProps(p.items[0]) : p.items.map(blockProps);
    case 'stages':
      return p.items.map(([key, b]) => ({ [key]: blockProps(b) }));
  }
}

function layoutItem(item: PLayoutItem): LayoutItem {
  switch (item.kind) {
    case 'name':
      return item.name;
    case 'block':
      return Layout.block(item.name, item.body.map(layoutItem));
    case 'comment':
      return Layout.comment(item.text);
    case 'blank':
      return Layout.blank();
  }
}

/** A plan value as the value model holds it; exports are the constructs' own. */
export function toValue(v: PValue, constructs: ReadonlyMap<PComponent, AlloyBlockConstruct>): AlloyValue {
  return toAlloyValue(v, (e) => {
    const target = constructs.get(e.target);
    if (target === undefined) throw new Error(`${e.target.entry.alloyName}: referenced before it was created`);
    const exported = (target as unknown as Record<string, AlloyValue & { path: string }>)[e.prop];
    return e.rest.length === 0 ? exported : Expr.ref([exported.path, ...e.rest].join('.'), target);
  });
}
