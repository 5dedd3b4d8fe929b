/**
 * A stand-in Kubernetes 1.28 API server, for running the README's kubectl commands in a test
 * without a cluster. It answers what `kubectl apply` and `kubectl create` ask of a real one:
 *
 * - discovery (`/api`, `/apis`, one resource list per group-version) for every resource kind of
 *   the 1.28 schema in schemas/k8s (a kind with a `<Kind>List` beside it), and, when Argo CD is
 *   installed, its Application CRD (schemas/crds);
 * - `/openapi/v3`, saying that each kind accepts `fieldValidation` on PATCH, so kubectl (1.27 and
 *   later) leaves validation to the server and sends `fieldValidation=Strict` (it does not answer
 *   `/version`: kubectl looks at OpenAPI v3 for a 1.29 or later server, or one of unknown version,
 *   and at OpenAPI v2 for an older one); and an empty OpenAPI v2 document, which kubectl reads
 *   for a kind the server does not serve, before it says it does not serve it;
 * - GET of an object (404 until it exists) or of a list, and POST to create an object.
 *
 * Like a real server it refuses, with the status a real one sends: an object failing its strict
 * schema (unknown fields rejected, whatever fieldValidation says), a namespaced object in a
 * namespace that does not exist yet (the NamespaceLifecycle admission plugin), an object that
 * exists already, and a kind it does not serve. What it accepted is in `objects`, in order.
 */
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { crdErrors, schemaErrors, schemaKinds } from './k8s-schema';

const root = path.join(__dirname, '..', '..');

/** Kinds of the 1.28 API that are not namespaced (kube-apiserver's registry, `kubectl api-resources --namespaced=false`). */
const CLUSTER_SCOPED = new Set([
  'APIService', 'CertificateSigningRequest', 'ClusterRole', 'ClusterRoleBinding', 'ComponentStatus', 'CSIDriver', 'CSINode',
  'CustomResourceDefinition', 'FlowSchema', 'IngressClass', 'MutatingWebhookConfiguration', 'Namespace', 'Node',
  'PersistentVolume', 'PriorityClass', 'PriorityLevelConfiguration', 'RuntimeClass', 'StorageClass', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration', 'VolumeAttachment', 'ClusterCIDR', 'IPAddress',
  'ClusterTrustBundle', 'PodSchedulingContext', 'ResourceClass', 'SelfSubjectReview', 'TokenReview', 'SelfSubjectAccessReview',
  'SelfSubjectRulesReview', 'SubjectAccessReview',
]);

interface Resource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly errors: (manifest: object) => string[];
}

/** The plural resource name the API server gives a kind. */
function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === 'endpoints') return lower;
  if (/(s|x|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

export interface FakeApiServerOptions {
  /** Argo CD is installed: its Application CRD is served and its namespace exists. @default false */
  readonly argocd?: boolean;
}

export class FakeApiServer {
  /** What was created, in the order it was accepted. */
  readonly objects: any[] = [];
  /** A kubeconfig pointing at this server, for `KUBECONFIG`. */
  readonly kubeconfig: string;
  private readonly resources: Resource[];
  private readonly namespaces: Set<string>;
  /** What the cluster held before: Argo CD's CRD. */
  private readonly preinstalled: any[] = [];

  private constructor(private readonly server: http.Server, options: FakeApiServerOptions) {
    this.resources = schemaKinds().map(({ group, version, kind }) => ({
      group, version, kind, plural: pluralOf(kind), namespaced: !CLUSTER_SCOPED.has(kind), errors: schemaErrors,
    }));
    this.namespaces = new Set(['default', 'kube-system', 'kube-public']);
    if (options.argocd) {
      const crd = (loadAll(fs.readFileSync(path.join(root, 'schemas', 'crds', 'argoproj.io_applications.yaml'), 'utf-8')) as any[])[0];
      this.resources.push({
        group: crd.spec.group, version: 'v1alpha1', kind: crd.spec.names.kind, plural: crd.spec.names.plural,
        namespaced: crd.spec.scope === 'Namespaced', errors: (m) => crdErrors(crd, 'v1alpha1', m),
      });
      this.namespaces.add('argocd');
      this.preinstalled.push(crd);
    }
    const port = (server.address() as AddressInfo).port;
    this.kubeconfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-alloy-kubeconfig-')), 'config');
    fs.writeFileSync(this.kubeconfig, [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}"}}]`,
      'contexts: [{name: fake, context: {cluster: fake, user: fake}}]',
      'users: [{name: fake, user: {}}]',
      'current-context: fake',
      '',
    ].join('\n'));
  }

  static async start(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    let self: FakeApiServer | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => { chunks.push(chunk); });
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        if (process.env.FAKE_APISERVER_LOG) console.error(req.method, req.url);
        const url = new URL(req.url ?? '/', 'http://fake');
        if (url.pathname === '/openapi/v2') {
          // an empty OpenAPI v2 document (an empty protobuf message): no kind has a schema in it,
          // so kubectl validates nothing on the client for a kind the server does not serve
          res.writeHead(200, { 'content-type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' });
          res.end();
          return;
        }
        let status: number;
        let reply: unknown;
        try {
          const body = raw.subarray(0, 4).toString('latin1') === 'k8s\0' ? secretFromProtobuf(raw) : raw.toString('utf-8');
          [status, reply] = self!.handle(req.method ?? 'GET', url, body);
        } catch (e) {
          [status, reply] = [500, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500, reason: 'InternalError', message: String(e) }];
        }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new FakeApiServer(server, options);
    return self;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private groupVersions(): Map<string, Resource[]> {
    const byGv = new Map<string, Resource[]>();
    for (const r of this.resources) {
      const gv = r.group ? `${r.group}/${r.version}` : r.version;
      byGv.set(gv, [...(byGv.get(gv) ?? []), r]);
    }
    return byGv;
  }

  private handle(method: string, url: URL, body: string): [number, unknown] {
    const p = url.pathname.replace(/\/$/, '');
    const gvs = this.groupVersions();
    // no version: kubectl checks field validation through OpenAPI v3 (see above)
    if (p === '/version') return notFound('version');
    if (p === '/api') return [200, { kind: 'APIVersions', versions: ['v1'] }];
    if (p === '/apis') {
      const groups = [...new Set([...gvs.keys()].filter((gv) => gv.includes('/')).map((gv) => gv.split('/')[0]))];
      return [200, {
        kind: 'APIGroupList', apiVersion: 'v1',
        groups: groups.map((name) => {
          const versions = [...gvs.keys()].filter((gv) => gv.startsWith(`${name}/`)).map((gv) => ({ groupVersion: gv, version: gv.split('/')[1] }));
          return { name, versions, preferredVersion: versions[0] };
        }),
      }];
    }
    if (p === '/openapi/v3') {
      const paths: Record<string, unknown> = {};
      for (const gv of gvs.keys()) paths[gv.includes('/') ? `apis/${gv}` : `api/${gv}`] = { serverRelativeURL: `/openapi/v3/${gv.includes('/') ? 'apis' : 'api'}/${gv}` };
      return [200, { paths }];
    }
    const openapi = /^\/openapi\/v3\/(?:api|apis)\/(.+)$/.exec(p);
    if (openapi) {
      const resources = gvs.get(openapi[1]);
      if (!resources) return notFound(`openapi ${openapi[1]}`);
      // only what kubectl's field-validation check reads: a PATCH per kind taking fieldValidation
      const paths: Record<string, unknown> = {};
      for (const r of resources) {
        paths[`/${r.plural}/{name}`] = {
          patch: {
            'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
            'parameters': [{ name: 'fieldValidation', in: 'query', schema: { type: 'string' } }],
          },
        };
      }
      return [200, { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.28.0' }, paths }];
    }
    const list = /^\/(?:api|apis)\/([^/]+(?:\/[^/]+)?)$/.exec(p);
    if (list && gvs.has(list[1])) {
      return [200, {
        kind: 'APIResourceList', apiVersion: 'v1', groupVersion: list[1],
        resources: gvs.get(list[1])!.map((r) => ({
          name: r.plural, singularName: r.kind.toLowerCase(), namespaced: r.namespaced, kind: r.kind,
          verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        })),
      }];
    }
    return this.object(method, p, body);
  }

  private object(method: string, p: string, body: string): [number, unknown] {
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(p);
    if (!m) return notFound(p);
    const [group, version] = m[1] ? ['', m[1]] : [m[2], m[3]];
    const [namespace, plural, name] = [m[4], m[5], m[6]];
    const r = this.resources.find((x) => x.group === group && x.version === version && x.plural === plural);
    if (!r) return notFound(`the server could not find the requested resource (${p})`);
    const all = [...this.preinstalled, ...this.objects].filter((o) => o.kind === r.kind && (namespace === undefined || o.metadata.namespace === namespace));
    const find = (n: string) => all.find((o) => o.metadata.name === n);
    if (method === 'GET' && name !== undefined) {
      const found = find(name);
      return found ? [200, found] : notFound(`${plural} "${name}" not found`);
    }
    if (method === 'GET') return [200, { kind: `${r.kind}List`, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata: {}, items: all }];
    if (method !== 'POST' || name !== undefined) return [405, status(405, 'MethodNotAllowed', `${method} ${p} is not served here`)];
    // null is "unset" to the API server's decoder (kubectl sends creationTimestamp: null)
    const obj = JSON.parse(body, (_key, value) => (value === null ? undefined : value));
    const errors = r.errors(obj);
    if (errors.length > 0) {
      return [422, {
        ...(status(422, 'Invalid', `${r.kind} "${obj.metadata?.name}" is invalid: ${errors.join('; ')}`) as object),
        details: { name: obj.metadata?.name, kind: plural, causes: errors.map((message) => ({ reason: 'FieldValueInvalid', message })) },
      }];
    }
    if (r.namespaced) {
      if (namespace === undefined) return [400, status(400, 'BadRequest', `${r.kind} "${obj.metadata.name}" is namespaced: POST it under /namespaces/<ns>/`)];
      if (!this.namespaces.has(namespace)) return notFound(`namespaces "${namespace}" not found`);
      obj.metadata.namespace = namespace;
    }
    if (find(obj.metadata.name)) return [409, status(409, 'AlreadyExists', `${plural} "${obj.metadata.name}" already exists`)];
    if (r.kind === 'Namespace') this.namespaces.add(obj.metadata.name);
    this.objects.push(obj);
    return [201, obj];
  }
}

function status(code: number, reason: string, message: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

function notFound(message: string): [number, unknown] {
  return [404, status(404, 'NotFound', message)];
}

/** Protobuf fields: [field number, wire type, value (a number, or the bytes of a length-delimited field)]. */
function fields(buf: Buffer): Array<[number, number, number | Buffer]> {
  const out: Array<[number, number, number | Buffer]> = [];
  let i = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = buf[i++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const [field, wire] = [Math.floor(key / 8), key % 8];
    if (wire === 0) out.push([field, wire, varint()]);
    else if (wire === 2) {
      const n = varint();
      out.push([field, wire, buf.subarray(i, i + n)]);
      i += n;
    } else if (wire === 1 || wire === 5) {
      i += wire === 1 ? 8 : 4;
    } else throw new Error(`protobuf wire type ${wire} is not read here`);
  }
  return out;
}

/**
 * kubectl sends built-in kinds it creates imperatively (`kubectl create secret`) as protobuf:
 * the `k8s\0` magic, then a runtime.Unknown (typeMeta 1, raw 2) holding the object. Only a
 * Secret is read (metadata.name 1 and namespace 3, data 2, type 3), into its JSON form.
 */
function secretFromProtobuf(message: Buffer): string {
  const unknown = fields(message.subarray(4));
  const typeMeta = fields(unknown.find(([f]) => f === 1)![2] as Buffer);
  const [apiVersion, kind] = [1, 2].map((n) => (typeMeta.find(([f]) => f === n)?.[2] as Buffer | undefined)?.toString() ?? '');
  if (kind !== 'Secret') throw new Error(`a ${kind} sent as protobuf: only a Secret is read in protobuf here`);
  const secret = fields(unknown.find(([f]) => f === 2)![2] as Buffer);
  const meta = fields(secret.find(([f]) => f === 1)![2] as Buffer);
  const metadata: Record<string, string> = {};
  for (const [f, , v] of meta) if (f === 1 || f === 3) metadata[f === 1 ? 'name' : 'namespace'] = (v as Buffer).toString();
  const data: Record<string, string> = {};
  for (const [f, , v] of secret.filter(([n]) => n === 2)) {
    const entry = fields(v as Buffer);
    data[(entry.find(([n]) => n === 1)![2] as Buffer).toString()] = (entry.find(([n]) => n === 2)?.[2] as Buffer ?? Buffer.alloc(0)).toString('base64');
    void f;
  }
  const type = (secret.find(([f]) => f === 3)?.[2] as Buffer | undefined)?.toString();
  return JSON.stringify({ apiVersion, kind, metadata, data, ...(type ? { type } : {}) });
}
