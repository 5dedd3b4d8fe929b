/**
 * What the importer knows of the generated constructs: the class of each Alloy component and
 * configuration block (by its Alloy name), its body schema, and the exports an instance has.
 */
import { Construct } from 'constructs';
import * as components from '../../imports/alloy';
import { AlloyBlockConstruct, AlloyConfig, AlloyConfigBlock, ExportRef, Expr } from '../alloy';
import type { BodySchema } from '../alloy/internal';

/** A generated class as the importer uses it. */
export interface CatalogEntry {
  /** The exported class name, such as `OtelcolProcessorBatch`. */
  readonly className: string;
  /** Alloy's name, such as `otelcol.processor.batch`. */
  readonly alloyName: string;
  /** A configuration block (`logging`, ...) rather than a component. */
  readonly configBlock: boolean;
  readonly schema: BodySchema;
  readonly construct: new (scope: Construct, id: string, props: object) => AlloyBlockConstruct;
}

type GeneratedClass = CatalogEntry['construct'] & { DEFINITION?: { name: string; schema: BodySchema } };

let byName: Map<string, CatalogEntry> | undefined;
const exportsByClass = new Map<string, ReadonlyMap<string, string>>();

/** The generated class for an Alloy name, or undefined when Alloy v1.18.1 has none by that name. */
export function catalogEntry(alloyName: string): CatalogEntry | undefined {
  if (byName === undefined) {
    byName = new Map();
    for (const [className, value] of Object.entries(components)) {
      const cls = value as unknown as GeneratedClass;
      if (typeof cls !== 'function' || cls.DEFINITION === undefined) continue;
      const configBlock = cls.prototype instanceof AlloyConfigBlock;
      byName.set(cls.DEFINITION.name, { className, alloyName: cls.DEFINITION.name, configBlock, schema: cls.DEFINITION.schema, construct: cls });
    }
  }
  return byName.get(alloyName);
}

/** Every Alloy name with a generated class, sorted. */
export function catalogNames(): string[] {
  catalogEntry('');
  return [...byName!.keys()].sort();
}

/**
 * The exports of a component class: Alloy's export name -> the instance property that holds it
 * (`input` -> `input`, `logs_receiver` -> `logsReceiver`). Found by creating one instance in a
 * scratch config, so they are exactly what the class sets.
 */
export function exportsOf(entry: CatalogEntry): ReadonlyMap<string, string> {
  let found = exportsByClass.get(entry.className);
  if (found === undefined) {
    const scratch = new AlloyConfig(new Construct(undefined as unknown as Construct, ''), 'scratch');
    const instance = new entry.construct(scratch, 'probe', {}) as unknown as Record<string, unknown>;
    const map = new Map<string, string>();
    for (const [prop, value] of Object.entries(instance)) {
      if (value instanceof ExportRef || (value instanceof Expr && (value as { target?: unknown }).target === instance)) {
        const path = (value as unknown as { path: string }).path;
        map.set(path.slice(path.lastIndexOf('.') + 1), prop);
      }
    }
    found = map;
    exportsByClass.set(entry.className, found);
  }
  return found;
}
