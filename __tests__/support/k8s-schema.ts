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
