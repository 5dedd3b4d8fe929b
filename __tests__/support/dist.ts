/**
 * Reading dist/: every file below it, and the manifests of its YAML files.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAll } from 'js-yaml';

export const DIST = path.join(__dirname, '..', '..', 'dist');

/** Every file below `dir`, as paths relative to it, sorted. */
export function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name)).map((f) => path.join(e.name, f)) : [e.name]).sort();
}

/** The manifests of every YAML file below dist/ (or `dir`), with the file each came from. */
export function distManifests(dir = DIST): Array<{ file: string; manifest: any }> {
  return listFiles(dir).filter((f) => f.endsWith('.k8s.yaml')).flatMap((file) =>
    (loadAll(fs.readFileSync(path.join(dir, file), 'utf-8')) as any[]).filter((m) => m !== null).map((manifest) => ({ file, manifest })));
}
