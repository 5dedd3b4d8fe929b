/**
 * Strict validation of manifests against the Kubernetes 1.28 schema kept in schemas/k8s
 * (the file `cdk8s import k8s@1.28.0` reads). Every object schema that lists properties is
 * closed (`additionalProperties: false`), as kubeconform's strict mode does, so a misspelled
 * or unknown field is an error.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';

type Schema = Record<string, unknown>;

const SCHEMA_FILE = path.join(__dirname, '..', '..', 'schemas', 'k8s', 'v1.28.0', '_definitions.json');

function closeObjects(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(closeObjects);
    return;
  }
  if (typeof node !== 'object' || node === null) {
    return;
  }
  const schema = node as Schema;
  if (schema.properties !== undefined && schema.additionalProperties === undefined) {
    schema.additionalProperties = false;
  }
  Object.values(schema).forEach(closeObjects);
}

let cache: { ajv: Ajv; byKind: Map<string, string> } | undefined;

function load(): { ajv: Ajv; byKind: Map<string, string> } {
  if (cache) return cache;
  const doc = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf-8')) as { definitions: Record<string, Schema> };
  closeObjects(doc.definitions);
  const byKind = new Map<string, string>();
  for (const [name, def] of Object.entries(doc.definitions)) {
    const gvks = (def['x-kubernetes-group-version-kind'] ?? []) as Array<{ group: string; version: string; kind: string }>;
    for (const gvk of gvks) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      byKind.set(`${apiVersion}/${gvk.kind}`, name);
    }
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'k8s', definitions: doc.definitions });
  cache = { ajv, byKind };
  return cache;
}

const validators = new Map<string, ValidateFunction>();

/** The schema errors of one manifest; empty when it is valid. */
export function schemaErrors(manifest: { apiVersion?: string; kind?: string }): string[] {
  const { ajv, byKind } = load();
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const name = byKind.get(key);
  if (name === undefined) {
    return [`no Kubernetes 1.28 schema for ${key}`];
  }
  let validate = validators.get(name);
  if (!validate) {
    validate = ajv.compile({ $ref: `k8s#/definitions/${name}` });
    validators.set(name, validate);
  }
  if (validate(manifest)) {
    return [];
  }
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
}

/** The resource kinds of the 1.28 schema: each kind that has a `<Kind>List` beside it. */
export function schemaKinds(): Array<{ group: string; version: string; kind: string }> {
  const { byKind } = load();
  const keys = new Set(byKind.keys());
  return [...keys].filter((k) => !k.endsWith('List') && keys.has(`${k}List`)).map((k) => {
    const parts = k.split('/');
    const kind = parts.pop()!;
    const version = parts.pop()!;
    return { group: parts.join('/'), version, kind };
  });
}

/** The errors of `manifest` against version `version` of a CRD's own schema, strict where it lists properties. */
export function crdErrors(crd: any, version: string, manifest: object): string[] {
  const schema = structuredClone(crd.spec.versions.find((v: any) => v.name === version).schema.openAPIV3Schema);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(schema);
  return validate(manifest) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
