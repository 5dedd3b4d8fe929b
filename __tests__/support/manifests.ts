/**
 * Reading synthesized manifests.
 */
import { App, Chart } from 'cdk8s';

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: any;
};

/** All manifests of a chart, as plain objects. */
export function manifestsOf(chart: Chart): Manifest[] {
  return chart.toJson() as Manifest[];
}

/** The one manifest of `kind` named `name`; fails if there is not exactly one. */
export function find(manifests: readonly Manifest[], kind: string, name: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  }
  return found[0];
}

/** A fresh App that writes nowhere the tests look. */
export function testApp(): App {
  return new App({ outdir: `${require('os').tmpdir()}/cdk8s-alloy-test-unused` });
}
