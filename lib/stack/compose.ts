/**
 * The stack on one machine, with Docker Compose: `composeProject` turns a stack built with
 * `platform: "compose"` into a Compose project (`compose.yaml`, the config files it mounts, a
 * README of what was left out and why, and `.env.example`), by walking the objects that stack
 * renders for Kubernetes. Nothing is written twice: each Deployment, StatefulSet, DaemonSet or
 * Job is a service with the same image, arguments, environment, user and security settings;
 * each ConfigMap a folder of the same files; each PersistentVolumeClaim a named volume; each
 * Service's name a network alias, its ports published on 127.0.0.1; each readiness probe a
 * healthcheck, where the image has a way to make an HTTP request; each connection recorded
 * where the stack wired it (connections.ts), other than a scrape, a `depends_on`. What the
 * Kubernetes stack of the same environment has and Compose does not is listed against it.
 */
import { ApiObject, App } from 'cdk8s';
import { dump, loadAll } from 'js-yaml';
import { AlloyComponent } from '../alloy';
import { Alloy } from '../workloads/alloy';
import { kubernetesOnly, configNeeds } from '../workloads/alloy-components';
import { Connections } from '../workloads/connections';
import { IMAGES } from '../workloads/versions';
import { ObservabilityStack } from './observability-stack';
import { parseSize } from '../validation';

/** Props of `composeProject`. */
export interface ComposeProjectProps {
  /** The stack built for Compose (`platform: "compose"`), with the smoke test in its app when there is one. */
  readonly stack: ObservabilityStack;
  /** The same environment's stack built for Kubernetes: what Compose leaves out is said against it. */
  readonly kubernetes: ObservabilityStack;
  /** The environment's name, as the README names it (its folder under dist/). */
  readonly environment: string;
}

/** A Compose project: file paths relative to its folder, and their text. */
export interface ComposeProject {
  /** `compose.yaml`, `README.md`, `.env.example` and one folder per ConfigMap, sorted by path. */
  readonly files: ReadonlyMap<string, string>;
}

/** The Kubernetes objects Compose has an equivalent of. */
const CONVERTED = new Set(['ConfigMap', 'DaemonSet', 'Deployment', 'Job', 'PersistentVolumeClaim', 'Service', 'StatefulSet']);
const WORKLOADS = new Set(['DaemonSet', 'Deployment', 'Job', 'StatefulSet']);

/** Why a kind of Kubernetes object has no Compose equivalent. */
const NO_EQUIVALENT: Record<string, string> = {
  Namespace: 'the Compose project (named after its folder) holds the services instead',
  NetworkPolicy: 'Compose puts every service on one network where each reaches every other; ports are published on 127.0.0.1 only',
  ServiceAccount: 'nothing in Compose calls the Kubernetes API',
  Role: 'nothing in Compose calls the Kubernetes API',
  RoleBinding: 'nothing in Compose calls the Kubernetes API',
  ClusterRole: 'nothing in Compose calls the Kubernetes API',
  ClusterRoleBinding: 'nothing in Compose calls the Kubernetes API',
  PodDisruptionBudget: 'Compose runs one container per service and no voluntary evictions',
  HorizontalPodAutoscaler: 'Compose runs one container per service',
};

/**
 * How to make an HTTP GET inside each image the stack runs, keyed by the image's repository,
 * as read in its Dockerfile at the tag the stack pins (versions.ts); an image without an HTTP
 * client gets no healthcheck, and what depends on it waits only for it to start.
 */
const HTTP_CLIENTS: Record<string, { readonly get?: (port: number, path: string) => string[]; readonly why: string }> = {
  // prometheus Dockerfile (v3.14.0), alertmanager Dockerfile (v0.29.0): FROM quay.io/prometheus/busybox
  'prom/prometheus': { get: (port, path) => ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${port}${path}`], why: 'busybox base: wget' },
  'prom/alertmanager': { get: (port, path) => ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${port}${path}`], why: 'busybox base: wget' },
  // grafana Dockerfile: `apk add ... curl` (Alpine) or `apt-get install ... curl` (Ubuntu)
  'grafana/grafana': { get: (port, path) => ['CMD', 'curl', '-fsS', '-o', '/dev/null', `http://127.0.0.1:${port}${path}`], why: 'the image installs curl' },
  // alloy Dockerfile (v1.18.1): Ubuntu noble with ca-certificates, libsystemd0 and tzdata only,
  // no curl or wget; bash and grep are part of every Ubuntu base. One HTTP/1.0 request through
  // bash's /dev/tcp, passing on a 200 status line
  'grafana/alloy': {
    get: (port, path) => ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '`],
    why: 'no curl or wget in the image: an HTTP request through bash\'s /dev/tcp',
  },
  // loki cmd/loki/Dockerfile (v3.7.6): FROM gcr.io/distroless/static:nonroot
  'grafana/loki': { why: 'distroless image: no shell and no HTTP client to run a check with' },
  // tempo cmd/tempo/Dockerfile (v2.10.8): FROM gcr.io/distroless/static-debian12
  'grafana/tempo': { why: 'distroless image: no shell and no HTTP client to run a check with' },
};

/** What a service waits for before it starts. */
type Condition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

/** One Compose service, as written. */
interface Service {
  /** The workload's name: the service's. */
  readonly name: string;
  readonly kind: string;
  /** The workload's construct path, for errors. */
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly labels: Record<string, string>;
  readonly healthcheck: boolean;
  readonly healthcheckWhy: string;
  readonly dependsOn: Map<string, Condition>;
  readonly aliases: Set<string>;
  readonly published: string[];
  readonly replicas: number;
}

/** The folder every project is written to, under the output directory. */
export const COMPOSE_FOLDER = 'compose';
/** The service that refuses to start the stack while a variable of .env is missing. */
const SECRETS_CHECK = 'secrets-check';

/** Compose interpolates `$` in compose.yaml: a literal one is `$$`. */
const literal = (text: string): string => text.replace(/\$/g, '$$$$');

/** Every object an app renders, as Kubernetes would receive it. */
function objectsOf(app: App): any[] {
  return (loadAll(app.synthYaml()) as any[]).filter((o) => o !== null && o !== undefined);
}

/** The construct path of the object with this kind and name, for errors. */
function pathOf(app: App, kind: string, name: string): string {
  const found = app.node.findAll().find((c) => ApiObject.isApiObject(c) && c.kind === kind && c.name === name);
  return found?.node.path ?? `${kind} ${name}`;
}

/**
 * The Compose project of a stack built with `platform: "compose"`: see the file's comment. Fails
 * with the construct path on what Compose cannot express (a host path, two services on one port
 * of 127.0.0.1, two Secrets under one variable, a cycle of dependencies).
 */
export function composeProject(props: ComposeProjectProps): ComposeProject {
  const { stack, kubernetes, environment } = props;
  if (stack.platform !== 'compose') {
    throw new Error(`${stack.node.path}: composeProject takes a stack built for Compose (got platform "${stack.platform}"); build one with platform: "compose"`);
  }
  const app = App.of(stack) as App;
  const objects = objectsOf(app);
  const files = new Map<string, string>();
  const services = new Map<string, Service>();
  const volumes = new Set<string>();
  /** Each variable .env holds: the Secret and key it stands for, and who reads it. */
  const secrets = new Map<string, { secret: string; key: string; readers: Set<string> }>();
  const secretFiles = new Map<string, Set<string>>();
  const configMaps = new Map<string, Record<string, string>>(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data ?? {}]));
  const mountedConfigMaps = new Set<string>();

  for (const o of objects.filter((x) => WORKLOADS.has(x.kind))) {
    const name: string = o.metadata.name;
    const path = pathOf(app, o.kind, name);
    const template = o.spec.template;
    const pod = template.spec;
    if (pod.containers.length !== 1 || (pod.initContainers ?? []).length > 0) {
      throw new Error(`${path}: a Compose service runs one container (got ${pod.containers.length} containers and ${(pod.initContainers ?? []).length} init containers); run one container per pod`);
    }
    const c = pod.containers[0];
    const sc = { ...pod.securityContext, ...c.securityContext };
    const claims = new Set<string>((o.spec.volumeClaimTemplates ?? []).map((t: any) => t.metadata.name));
    const mounts: string[] = [];
    const tmpfs: string[] = [];
    for (const m of c.volumeMounts ?? []) {
      const v = (pod.volumes ?? []).find((x: any) => x.name === m.name);
      if (v === undefined && claims.has(m.name)) {
        // a StatefulSet's claim template: one named volume (Compose runs one replica); owned as below
        const volume = `${name}-${m.name}`;
        volumes.add(volume);
        mounts.push(`${volume}:${m.mountPath}`);
      } else if (v?.configMap !== undefined) {
        const data = configMaps.get(v.configMap.name);
        if (data === undefined) {
          throw new Error(`${path}: mounts the ConfigMap ${v.configMap.name}, which the stack does not render; add it to the stack's chart`);
        }
        mountedConfigMaps.add(v.configMap.name);
        mounts.push(`./${v.configMap.name}:${m.mountPath}:ro`);
      } else if (v?.emptyDir !== undefined) {
        // writable scratch: a tmpfs (mode 1777, the kernel's default), as big as the emptyDir's limit
        const size = v.emptyDir.sizeLimit === undefined ? '' : `:size=${parseSize(path, `volume ${m.name} sizeLimit`, String(v.emptyDir.sizeLimit), 'kubernetes')}`;
        tmpfs.push(`${m.mountPath}${size}`);
      } else if (v?.persistentVolumeClaim !== undefined) {
        // a named volume starts as a copy of the image's directory, its owner included: each image
        // the stack runs owns its data directory as the pod's user (prometheus and alertmanager
        // Dockerfiles: chown nobody; loki: chown 10001 /loki; tempo: --chown=10001 /var/tempo;
        // alloy: chown alloy /var/lib/alloy), which is what fsGroup does in the cluster
        volumes.add(v.persistentVolumeClaim.claimName);
        mounts.push(`${v.persistentVolumeClaim.claimName}:${m.mountPath}`);
      } else if (v?.secret !== undefined) {
        // files of a Secret: a folder the user writes beside compose.yaml, never committed
        const dir = `secrets/${v.secret.secretName}`;
        secretFiles.set(dir, new Set([...(secretFiles.get(dir) ?? []), name]));
        mounts.push(`./${dir}:${m.mountPath}:ro`);
      } else {
        throw new Error(
          `${path}: the volume ${m.name} (got ${JSON.stringify(Object.keys(v ?? {}).filter((k) => k !== 'name'))}) has no Compose equivalent; ` +
          'Compose takes ConfigMaps, Secrets, emptyDirs and PersistentVolumeClaims: leave it out of the stack built for Compose',
        );
      }
    }
    const environmentVars: Record<string, string> = {};
    const dependsOn = new Map<string, Condition>();
    for (const e of c.env ?? []) {
      if (e.value !== undefined) {
        environmentVars[e.name] = literal(String(e.value));
      } else if (e.valueFrom?.secretKeyRef !== undefined) {
        const ref = e.valueFrom.secretKeyRef;
        const known = secrets.get(e.name);
        if (known !== undefined && (known.secret !== ref.name || known.key !== ref.key)) {
          throw new Error(
            `${path}: the variable ${e.name} reads the Secret ${ref.name} (key ${ref.key}), but another service reads ${known.secret} (key ${known.key}) under that name, ` +
            'and .env holds one value per name; read one of them under another variable',
          );
        }
        secrets.set(e.name, { secret: ref.name, key: ref.key, readers: new Set([...(known?.readers ?? []), name]) });
        // from .env; empty when unset, which the secrets check refuses before this starts
        environmentVars[e.name] = `\${${e.name}:-}`;
        dependsOn.set(SECRETS_CHECK, 'service_completed_successfully');
      } else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') {
        environmentVars[e.name] = literal(name);
      } else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') {
        environmentVars[e.name] = literal(o.metadata.namespace);
      } else {
        throw new Error(
          `${path}: the variable ${e.name} comes from ${JSON.stringify(e.valueFrom)}, which has no Compose equivalent; ` +
          'Compose takes values, Secrets (from .env) and the pod\'s name and namespace',
        );
      }
    }
    const probe = c.readinessProbe;
    const repository = String(c.image).replace(/:[^/:]*$/, '');
    const client = HTTP_CLIENTS[repository] ?? { why: `no HTTP client known in the image ${c.image}` };
    let healthcheck: Record<string, unknown> | undefined;
    let healthcheckWhy = 'no readiness probe';
    if (probe?.httpGet !== undefined) {
      const port = typeof probe.httpGet.port === 'number' ? probe.httpGet.port : (c.ports ?? []).find((p: any) => p.name === probe.httpGet.port)?.containerPort;
      if (port === undefined) throw new Error(`${path}: the readiness probe's port ${probe.httpGet.port} is not a port of the container; name one of its ports`);
      healthcheckWhy = client.why;
      if (client.get !== undefined) {
        healthcheck = {
          test: client.get(port, probe.httpGet.path).map(literal),
          interval: `${probe.periodSeconds ?? 10}s`,
          timeout: `${probe.timeoutSeconds ?? 1}s`,
          retries: probe.failureThreshold ?? 3,
          start_period: `${probe.initialDelaySeconds ?? 0}s`,
        };
      }
    }
    const limits = c.resources?.limits ?? {};
    const job = o.kind === 'Job';
    const body: Record<string, unknown> = {
      image: c.image,
      ...(c.command !== undefined ? { entrypoint: c.command.map((a: string) => literal(a)) } : {}),
      ...(c.args !== undefined ? { command: c.args.map((a: string) => literal(a)) } : {}),
      ...(sc.runAsUser !== undefined ? { user: `${sc.runAsUser}:${sc.runAsGroup ?? sc.runAsUser}` } : {}),
      ...(sc.readOnlyRootFilesystem === true ? { read_only: true } : {}),
      ...(sc.capabilities?.drop !== undefined ? { cap_drop: sc.capabilities.drop } : {}),
      ...((sc.capabilities?.add ?? []).length > 0 ? { cap_add: sc.capabilities.add } : {}),
      ...(sc.allowPrivilegeEscalation === false ? { security_opt: ['no-new-privileges:true'] } : {}),
      ...(Object.keys(environmentVars).length > 0 ? { environment: environmentVars } : {}),
      ...(mounts.length > 0 ? { volumes: mounts } : {}),
      ...(tmpfs.length > 0 ? { tmpfs } : {}),
      ...(healthcheck !== undefined ? { healthcheck } : {}),
      ...(limits.memory !== undefined ? { mem_limit: parseSize(path, 'memory limit', String(limits.memory), 'kubernetes') } : {}),
      ...(limits.cpu !== undefined ? { cpus: cpus(String(limits.cpu)) } : {}),
      // Kubernetes gives a pod 30s after SIGTERM unless told otherwise; Docker 10s
      stop_grace_period: `${pod.terminationGracePeriodSeconds ?? 30}s`,
      restart: job ? 'no' : 'unless-stopped',
      ...(job ? { profiles: ['smoke'] } : {}),
    };
    services.set(name, {
      name, kind: o.kind, path, body, labels: template.metadata?.labels ?? {}, healthcheck: healthcheck !== undefined, healthcheckWhy,
      dependsOn, aliases: new Set(), published: [], replicas: o.kind === 'Job' || o.kind === 'DaemonSet' ? 1 : o.spec.replicas ?? 1,
    });
  }

  // Services: each name an alias of the workload it selects (as short and as namespaced DNS
  // names, so configs resolve as they do in the cluster), its ports published on 127.0.0.1
  const claims = new Map<number, Array<{ service: Service; target: number; portName: string }>>();
  for (const s of objects.filter((o) => o.kind === 'Service')) {
    const selector: Record<string, string> = s.spec.selector ?? {};
    const selected = [...services.values()].filter((w) => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => w.labels[k] === v));
    if (selected.length !== 1) {
      throw new Error(
        `${pathOf(app, 'Service', s.metadata.name)}: a Service must select the pods of one workload to be a Compose alias (got ${selected.length}: ${selected.map((w) => w.name).join(', ') || 'none'}); ` +
        'select one workload\'s pods',
      );
    }
    const w = selected[0];
    const n: string = s.metadata.name;
    const ns: string = s.metadata.namespace;
    for (const alias of [n, `${n}.${ns}`, `${n}.${ns}.svc`, `${n}.${ns}.svc.cluster.local`]) if (alias !== w.name) w.aliases.add(alias);
    if (s.spec.clusterIP === 'None') continue;
    const container = objects.find((o) => WORKLOADS.has(o.kind) && o.metadata.name === w.name).spec.template.spec.containers[0];
    for (const p of s.spec.ports ?? []) {
      const target = typeof p.targetPort === 'string' ? container.ports?.find((cp: any) => cp.name === p.targetPort)?.containerPort : p.targetPort ?? p.port;
      claims.set(p.port, [...(claims.get(p.port) ?? []), { service: w, target, portName: p.name }]);
    }
  }
  // a host port claimed twice goes to the stack's entry point on it (the OTLP receiver, not Tempo's)
  const connections = Connections.of(stack);
  const notPublished: string[] = [];
  for (const [port, claimants] of [...claims].sort(([a], [b]) => a - b)) {
    let owner = claimants[0];
    if (claimants.length > 1) {
      const entries = claimants.filter((cl) => connections.entryPoints.some((e) => e.to.name === cl.service.name && e.ports.includes(cl.target)));
      if (entries.length !== 1) {
        throw new Error(
          `${claimants[1].service.path}: ${claimants.map((cl) => cl.service.name).join(' and ')} would both publish port ${port} on 127.0.0.1 ` +
          `(got ${entries.length} entry points of the stack among them); give one of them another port`,
        );
      }
      owner = entries[0];
      for (const cl of claimants.filter((x) => x !== owner)) {
        notPublished.push(`\`${cl.service.name}\` port ${cl.portName} (${port}): 127.0.0.1:${port} is \`${owner.service.name}\`'s; the other services reach \`${cl.service.name}:${port}\` on the Compose network`);
      }
    }
    owner.service.published.push(`127.0.0.1:${port}:${owner.target}`);
  }

  // depends_on: whom each service sends to or queries (every connection but scrapes), recorded
  // where the stack wired it; a collector's components stand for the collector
  const serviceOf = (peerName: string, peerNamespace: string): Service | undefined => {
    const s = services.get(peerName);
    return s !== undefined && objects.some((o) => WORKLOADS.has(o.kind) && o.metadata.name === peerName && o.metadata.namespace === peerNamespace) ? s : undefined;
  };
  const edges: Array<[Service, Service]> = [];
  for (const c of connections.all) {
    if (c.scrape === true) continue;
    const from = serviceOf(c.from.name, c.from.namespace);
    const to = serviceOf(c.to.name, c.to.namespace);
    if (from !== undefined && to !== undefined && from !== to) edges.push([from, to]);
  }
  for (const c of connections.components) {
    const collector = c.config.node.scope;
    if (!(collector instanceof Alloy)) continue;
    // a scrape, by the table: it scrapes targets or the kubelets
    const needs = configNeeds(collector.config, collector.namespaceName).components.find((n) => n.component === c.component);
    if (needs !== undefined && (needs.egress.scrapes !== undefined || needs.egress.kubelets)) continue;
    const from = serviceOf(collector.name, collector.namespaceName);
    const to = serviceOf(c.to.name, c.to.namespace);
    if (from !== undefined && to !== undefined && from !== to) edges.push([from, to]);
  }
  for (const [from, to] of edges) from.dependsOn.set(to.name, to.healthcheck ? 'service_healthy' : 'service_started');
  assertNoCycle(services);

  if (secrets.size > 0) {
    // one-shot: refuses to let the services that read .env start while a variable is empty,
    // as Kubernetes holds a pod whose Secret is missing (compose.yaml stays valid without .env)
    const vars = [...secrets.keys()].sort();
    const smokeImage = objects.find((o) => o.kind === 'Job')?.spec.template.spec.containers[0].image;
    services.set(SECRETS_CHECK, {
      name: SECRETS_CHECK, kind: 'check', path: `${stack.node.path} (${SECRETS_CHECK})`, labels: {}, healthcheck: false, healthcheckWhy: 'runs once',
      dependsOn: new Map(), aliases: new Set(), published: [], replicas: 1,
      body: {
        image: smokeImage ?? IMAGES.smokeTest,
        entrypoint: ['node', '-e', literal(
          `const missing = ${JSON.stringify(vars)}.filter((v) => !process.env[v]); ` +
          'if (missing.length > 0) { console.error("set " + missing.join(", ") + " in .env beside compose.yaml (see .env.example)"); process.exit(1); }',
        )],
        user: '1000:1000',
        read_only: true,
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
        environment: Object.fromEntries(vars.map((v) => [v, `\${${v}:-}`])),
        restart: 'no',
      },
    });
  }

  // compose.yaml
  const composeServices: Record<string, unknown> = {};
  for (const s of [...services.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    composeServices[s.name] = {
      ...s.body,
      ...(s.published.length > 0 ? { ports: s.published } : {}),
      ...(s.aliases.size > 0 ? { networks: { default: { aliases: [...s.aliases].sort() } } } : {}),
      ...(s.dependsOn.size > 0 ? { depends_on: Object.fromEntries([...s.dependsOn].sort(([a], [b]) => a.localeCompare(b)).map(([d, condition]) => [d, { condition }])) } : {}),
    };
  }
  const header = [
    `# Generated by cdk8s-alloy from the environment "${environment}" (platform "compose"). Do not edit: change the`,
    '# TypeScript that builds it and run cdk8s synth. Write .env beside this file (see .env.example), then',
    '#   docker compose -f dist/compose/compose.yaml up -d',
    '# from the repository\'s root; README.md says what is left out and why.',
    '',
  ].join('\n');
  files.set('compose.yaml', header + dump({
    services: composeServices,
    ...(volumes.size > 0 ? { volumes: Object.fromEntries([...volumes].sort().map((v) => [v, {}])) } : {}),
  }, { lineWidth: -1, forceQuotes: true, noRefs: true }));

  // the files of every mounted ConfigMap, byte for byte
  for (const name of [...mountedConfigMaps].sort()) {
    for (const [key, text] of Object.entries(configMaps.get(name)!).sort(([a], [b]) => a.localeCompare(b))) files.set(`${name}/${key}`, text);
  }

  files.set('.env.example', envExample(secrets));
  // the Kubernetes stack's objects, rendered once for the file table and the left-out list
  const kubernetesObjects = (App.of(kubernetes) as App).charts.flatMap((c) => c.toJson()) as any[];
  files.set('README.md', readme({
    environment, kubernetes, stack, services, volumes, secrets, secretFiles, notPublished, files, kubernetesObjects,
  }));
  return { files: new Map([...files].sort(([a], [b]) => a.localeCompare(b))) };
}

/** A CPU quantity as Compose's `cpus` (a number of CPUs). */
function cpus(quantity: string): string {
  const m = /^([0-9.]+)(m?)$/.exec(quantity);
  if (m === null) throw new Error(`compose: the CPU limit ${JSON.stringify(quantity)} is not a Kubernetes CPU quantity; use such as "500m" or "2"`);
  return String(m[2] === 'm' ? Number(m[1]) / 1000 : Number(m[1]));
}

/** Fails on a cycle of depends_on, naming it. */
function assertNoCycle(services: Map<string, Service>): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      throw new Error(`${services.get(name)!.path}: the services depend on each other in a cycle (got ${cycle.join(' -> ')}); Compose cannot order them: break one of the connections`);
    }
    state.set(name, 'visiting');
    for (const d of [...(services.get(name)?.dependsOn.keys() ?? [])].sort()) visit(d, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of [...services.keys()].sort()) visit(name, []);
}

function envExample(secrets: Map<string, { secret: string; key: string; readers: Set<string> }>): string {
  return [
    '# Copy to .env beside compose.yaml and fill in; .env is never committed (.gitignore), and cdk8s synth',
    '# empties this folder, .env with it: keep the values elsewhere too.',
    '# Each variable stands for a key of a Kubernetes Secret the pods read.',
    ...[...secrets].sort(([a], [b]) => a.localeCompare(b)).flatMap(([v, s]) => [
      '',
      `# Secret ${s.secret}, key ${s.key}: read by ${[...s.readers].sort().join(', ')}`,
      `${v}=`,
    ]),
    '',
  ].join('\n');
}

interface ReadmeFacts {
  readonly environment: string;
  readonly kubernetes: ObservabilityStack;
  readonly stack: ObservabilityStack;
  readonly services: Map<string, Service>;
  readonly volumes: Set<string>;
  readonly secrets: Map<string, { secret: string; key: string; readers: Set<string> }>;
  readonly secretFiles: Map<string, Set<string>>;
  readonly notPublished: readonly string[];
  readonly files: Map<string, string>;
  /** The Kubernetes stack's objects, as its app renders them. */
  readonly kubernetesObjects: readonly any[];
}

/** The component's pipeline: the construct right under its config (the component itself when made there). */
function pipelineOf(component: AlloyComponent, configPath: string): string {
  const rest = component.node.path.slice(configPath.length + 1).split('/');
  return `${configPath}/${rest[0]}`;
}

/** What the Kubernetes stack's collectors run that the Compose stack's do not, and why. */
function leftOutPipelines(kubernetes: ObservabilityStack, stack: ObservabilityStack): string[] {
  const lines: string[] = [];
  for (const collector of kubernetes.collectors) {
    const there = stack.collectors.find((c) => c.name === collector.name);
    const kept = new Set(there === undefined ? [] : there.config.components.map((c) => c.componentId));
    const byPipeline = new Map<string, Array<{ id: string; why?: string }>>();
    for (const n of configNeeds(collector.config, collector.namespaceName).components) {
      if (kept.has(n.component.componentId)) continue;
      // a collector that is not run leaves out all it has; in one that is, the pipeline goes whole
      const pipeline = there === undefined ? collector.config.node.path : pipelineOf(n.component, collector.config.node.path);
      byPipeline.set(pipeline, [...(byPipeline.get(pipeline) ?? []), { id: n.component.componentId, why: kubernetesOnly(n) }]);
    }
    for (const [pipeline, components] of byPipeline) {
      const reasons = components.filter((c) => c.why !== undefined).map((c) => `\`${c.id}\` ${c.why}`);
      const rest = components.filter((c) => c.why === undefined).map((c) => `\`${c.id}\``);
      const what = there === undefined ? `the collector \`${collector.name}\` is not run (\`${pipeline}\`)` : `\`${pipeline}\` in \`${collector.name}\``;
      lines.push(`- ${what}: ${reasons.join('; ')}${rest.length > 0 ? `; with them ${rest.join(', ')}, which only carry what those read` : ''}`);
    }
  }
  return lines;
}

function readme(f: ReadmeFacts): string {
  const k8sObjects = f.kubernetesObjects;
  const k8sConfigMaps = new Map<string, Record<string, string>>(k8sObjects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data ?? {}]));
  const workloadNames = new Set(f.services.keys());
  const k8sWorkloads = k8sObjects.filter((o) => WORKLOADS.has(o.kind));
  const missingWorkloads = k8sWorkloads.filter((o) => !workloadNames.has(o.metadata.name));
  const otherKinds = new Map<string, string[]>();
  for (const o of k8sObjects.filter((x) => !CONVERTED.has(x.kind))) otherKinds.set(o.kind, [...(otherKinds.get(o.kind) ?? []), o.metadata.name]);
  const services = [...f.services.values()].filter((s) => s.name !== SECRETS_CHECK).sort((a, b) => a.name.localeCompare(b.name));
  const k8sReplicas = new Map<string, number>(k8sWorkloads.map((o) => [o.metadata.name, o.kind === 'DaemonSet' ? 1 : o.spec.replicas ?? 1]));
  const fileRows = [...f.files.keys()].filter((p) => p.includes('/')).sort().map((p) => {
    const [cm, key] = p.split('/');
    const k8s = k8sConfigMaps.get(cm)?.[key];
    const same = k8s === f.files.get(p);
    return `| \`${p}\` | ${k8s === undefined ? 'not in the Kubernetes output (the smoke test\'s is in `smoke-test/`)' : same ? `the same bytes as the ConfigMap \`${cm}\`` : `differs from the ConfigMap \`${cm}\`: it follows what Compose leaves out (below)`} |`;
  });
  const lines = [
    `# The "${f.environment}" stack on Docker Compose`,
    '',
    `Generated by cdk8s-alloy from the environment \`${f.environment}\`, built with \`platform: "compose"\`: the same`,
    'constructs, images and configs as `dist/' + f.environment + '/`, without what only a Kubernetes cluster has. Do not edit:',
    'change the TypeScript and run `npx cdk8s synth` (which empties this folder). See docs/compose.md.',
    '',
    '```sh',
    ...(f.secrets.size > 0 ? [`printf '${[...f.secrets.keys()].sort().map((v) => `${v}=%s\\n`).join('')}' ${[...f.secrets.keys()].sort().map(() => '"$(openssl rand -base64 24)"').join(' ')} > dist/compose/.env`] : []),
    'docker compose -f dist/compose/compose.yaml up -d                # Grafana on http://localhost:3000 (user admin)',
    'docker compose -f dist/compose/compose.yaml run --rm smoke-test  # a trace, a metric and a log, through Alloy',
    '```',
    '',
    '## Services',
    '',
    '| service | image | on 127.0.0.1 | healthcheck | waits for |',
    '| --- | --- | --- | --- | --- |',
    ...services.map((s) => `| \`${s.name}\` | \`${s.body.image}\` | ${s.published.map((p) => p.split(':')[1]).join(', ') || '-'} | ` +
      `${s.healthcheck ? 'readiness probe' : `none: ${s.healthcheckWhy}`} | ${[...s.dependsOn].map(([d, c]) => `${d} (${c.replace('service_', '')})`).join(', ') || '-'} |`),
    '',
    `Named volumes, one per PersistentVolumeClaim (queues, WAL and data survive \`docker compose restart\` and \`down\`; \`down -v\` deletes them): ${[...f.volumes].sort().map((v) => `\`${v}\``).join(', ')}.`,
    'Every other writable path is a tmpfs, as the pods\' emptyDirs. Each service runs as the pod\'s user, read-only, with every',
    'capability dropped and no privilege escalation. Services that wait for one without a healthcheck wait only for it to start;',
    'the collectors\' disk queues and retries cover the rest.',
    ...(f.notPublished.length > 0 ? ['', 'Not published on the host (the port is taken by the stack\'s entry point):', '', ...f.notPublished.map((n) => `- ${n}`)] : []),
    '',
    '## Files',
    '',
    '| file | against `dist/' + f.environment + '/` |',
    '| --- | --- |',
    ...fileRows,
    ...(f.secrets.size > 0 ? [
      '',
      '## Secrets',
      '',
      'From `.env` beside compose.yaml (never committed; see `.env.example`); the one-shot service `secrets-check` keeps the services',
      'that read them from starting while one is empty:',
      '',
      ...[...f.secrets].sort(([a], [b]) => a.localeCompare(b)).map(([v, s]) => `- \`${v}\`: the Secret \`${s.secret}\`, key \`${s.key}\` (${[...s.readers].sort().join(', ')})`),
    ] : []),
    ...(f.secretFiles.size > 0 ? ['', 'Secrets mounted as files, from folders you write here (never committed):', '',
      ...[...f.secretFiles].sort(([a], [b]) => a.localeCompare(b)).map(([d, r]) => `- \`${d}/\` (${[...r].sort().join(', ')})`)] : []),
    '',
    '## Left out, and why',
    '',
    'Pipelines of the Kubernetes stack that need the Kubernetes API or the nodes (lib/workloads/alloy-components.ts):',
    '',
    ...leftOutPipelines(f.kubernetes, f.stack),
    ...(missingWorkloads.length > 0 ? ['', 'Workloads that run only on Kubernetes (the collectors\' pipelines are above):', '',
      ...missingWorkloads.map((o) => `- ${o.kind} \`${o.metadata.name}\``)] : []),
    '',
    'Kubernetes objects with no Compose equivalent:',
    '',
    ...[...otherKinds].sort(([a], [b]) => a.localeCompare(b)).map(([kind, names]) =>
      `- ${kind} (${names.length}): ${NO_EQUIVALENT[kind] ?? 'no Compose equivalent'}`),
    ...services.filter((s) => (k8sReplicas.get(s.name) ?? 1) > 1).map((s) => `- \`${s.name}\` runs one container (Kubernetes: ${k8sReplicas.get(s.name)} replicas)`),
    '- CPU and memory requests (limits are kept), fsGroup (each image owns its data directory), liveness probes and sync waves',
    '',
  ];
  return lines.join('\n');
}
