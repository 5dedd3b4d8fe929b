/**
 * Named environments, each synthesized to its own folder under the output directory
 * (`Environments`, one `EnvironmentApp` each, extended before synth): `dist/<name>/` holds the manifests (Namespace first), a `Kustomization` listing them, and
 * for each collector (`alloy/`, `alloy-metrics/`, `alloy-logs/`) its config.alloy and a
 * Mermaid diagram of its pipeline. With external backends, `external-backends.md` says what
 * each must do for the stack, and `rules/<namespace>.yaml` holds the alerts for an external ruler.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { mermaidDiagram } from '../alloy';
import { assertDnsLabel, firstDuplicate } from '../validation';
import { SmokeTest } from '../smoke/smoke-test';
import { externalBackendsNotes } from '../workloads/external-backends';
import { ArgoCdApplication } from './argocd-application';
import { ObservabilityStack, ObservabilityStackProps } from './observability-stack';
import { referenceProps } from './sizing-doc';
import { COMPOSE_FOLDER, ComposeProject, composeProject } from './compose';

/** One environment: a name (its folder) and the stack's props there. */
export interface Environment {
  /** A DNS label, such as "dev". */
  readonly name: string;
  readonly props: ObservabilityStackProps;
  /**
   * Also write `<outdir>/compose/`: the same stack for Docker Compose (built with `platform:
   * "compose"`, see `composeProject`), for one environment of the output directory.
   * @default false
   */
  readonly compose?: boolean;
}

/**
 * This repository's own environments (main.ts synthesizes them into dist/): dev is small and
 * short-lived; prod keeps more, longer, on more replicas. Not exported from the package root.
 */
export const ENVIRONMENTS: readonly Environment[] = [
  {
    name: 'dev',
    props: {
      namespace: 'observability-dev',
      alloy: {
        replicas: 1,
        storageSize: '5Gi',
        durability: { tracesQueueSize: '1536Mi', metricsQueueSize: '1Gi', logsQueueSize: '1Gi' },
        resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      },
      // one replica of each other collector: clustering still on, nothing to share
      metricsCollector: { replicas: 1 },
      logsCollector: { replicas: 1 },
      tempo: { retention: '48h', storageSize: '5Gi' },
      prometheus: { retention: '3d', retentionSize: '4GB', storageSize: '5Gi' },
      loki: { retention: '48h', storageSize: '5Gi' },
    },
    // dist/compose/: the small one, on a laptop
    compose: true,
  },
  {
    name: 'prod',
    props: {
      namespace: 'observability',
      alloy: {
        replicas: 3,
        storageSize: '50Gi',
        durability: { tracesQueueSize: '16Gi', metricsQueueSize: '8Gi', logsQueueSize: '12Gi' },
        resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      },
      tempo: { retention: '336h', storageSize: '100Gi', resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } } },
      prometheus: { retention: '30d', retentionSize: '160GB', storageSize: '200Gi', resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '8Gi' } } },
      loki: { retention: '720h', storageSize: '100Gi', resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } } },
    },
  },
  {
    // past one machine: sized from the large reference load (docs/sizing.md), Loki and Tempo
    // scaled out on object storage, metrics in a Mimir (the stack's alerts in its ruler), an
    // autoscaled gateway
    name: 'large',
    props: { namespace: 'observability-large', ...referenceProps('large') },
  },
];

/**
 * `app.synth()`, with an error of ours first in the message: cdk8s reports a failed validation
 * as "Validation failed with the following errors: [path] ..." and an error while rendering a
 * manifest as "Failed serializing construct at path ...: Error: ...". Each of our messages
 * starts with its construct's path; the construct cdk8s was serializing follows ours.
 */
export function synthApp(app: App): void {
  withOurMessage(() => app.synth());
}

/** Runs `synth`, rethrowing an error with our message first (see `ourMessage`). */
function withOurMessage(synth: () => void): void {
  try {
    synth();
  } catch (e) {
    throw new Error(ourMessage(e instanceof Error ? e.message : String(e)), { cause: e });
  }
}

/** A cdk8s synth error's message with ours first (one a line), what cdk8s adds after it. */
export function ourMessage(message: string): string {
  const validation = /^Validation failed with the following errors:\n/.exec(message);
  if (validation !== null) {
    return message.slice(validation[0].length).split('\n').map((line) => {
      const m = /^\s*\[([^\]]*)\] ([\s\S]*)$/.exec(line);
      if (m === null) return line.trim();
      // ours start with the path already; say it once
      return m[2].startsWith(m[1]) ? m[2] : `${m[1]}: ${m[2]}`;
    }).join('\n');
  }
  const serializing: string[] = [];
  let rest = message;
  for (let m; (m = /^Failed serializing construct at path '([^']*)' with name '([^']*)': (?:Error: )?/.exec(rest)) !== null;) {
    serializing.push(`${m[1]} (name ${m[2]})`);
    rest = rest.slice(m[0].length);
  }
  return serializing.length === 0 ? message : `${rest}\n(while serializing ${serializing.join(', in ')})`;
}

/** Where Argo CD finds the rendered manifests. */
export interface GitOpsSource {
  /** The Git repository that holds dist/. */
  readonly repoURL: string;
  /** @default "main" */
  readonly targetRevision?: string;
  /** The output folder's path in the repository. @default "dist" */
  readonly path?: string;
}

/** Props of `Environments`. */
export interface EnvironmentsProps {
  /**
   * Where Argo CD finds the rendered manifests: with it, `<outdir>/argocd/` holds one Argo CD
   * Application per environment, pointing at `<path>/<name>`.
   * @default - no Applications, no argocd/ folder
   */
  readonly gitops?: GitOpsSource;
}

/**
 * One environment: a cdk8s `App` writing to `<outdir>/<name>/`, holding the environment's
 * `ObservabilityStack` (the chart `observability`, at `.stack`). Add what the environment
 * needs before `synth()`: a pipeline to a collector's config (`stack.alloy.config`), an object
 * to the stack's chart, or a chart of your own (`new Chart(env, 'extras')`, written as
 * `extras.k8s.yaml` and listed in the Kustomization).
 *
 * `synth()` writes the manifests (Namespace first), a `Kustomization` listing every `.yaml`
 * file of the folder, the smoke test in `smoke-test/` (when every backend is bundled; with an
 * external one, `external-backends.md` instead, and `rules/<namespace>.yaml` for an external
 * ruler), and for each collector (`alloy/`, `alloy-metrics/`, `alloy-logs/`) its config.alloy
 * and a Mermaid diagram of its pipeline.
 * An error raised while synthesizing reaches the caller with its own message first (see
 * `synthApp`), not inside cdk8s's "Validation failed ..." or "Failed serializing ...".
 */
export class EnvironmentApp extends App {
  /** The environment's name: its folder under the output directory. */
  public readonly name: string;
  /** The environment's stack (a chart of this app). */
  public readonly stack: ObservabilityStack;
  /**
   * With `compose`, the environment's stack built for Docker Compose (`platform: "compose"`, in
   * an app of its own): extend it as `stack` before `synth()`, which writes `<outdir>/compose/`.
   */
  public readonly composeStack?: ObservabilityStack;
  private readonly stackProps: ObservabilityStackProps;
  private readonly composeDir: string;

  /**
   * @param outdir the output directory; the environment is written to `<outdir>/<name>/`
   * @param environment the environment's name (a DNS label) and its stack's props
   */
  public constructor(outdir: string, environment: Environment) {
    assertDnsLabel('environments', 'environment name', environment.name);
    super({ outdir: path.join(outdir, environment.name) });
    this.name = environment.name;
    this.stackProps = environment.props;
    this.stack = new ObservabilityStack(this, 'observability', environment.props);
    this.composeDir = path.join(outdir, COMPOSE_FOLDER);
    if (environment.compose === true) {
      if (environment.props.platform !== undefined && environment.props.platform !== 'kubernetes') {
        throw new Error(`environments: ${environment.name}: compose writes the Compose stack beside the Kubernetes one (got platform ${JSON.stringify(environment.props.platform)}); leave platform unset`);
      }
      this.composeStack = new ObservabilityStack(new App({ outdir: this.composeDir }), 'observability', { ...environment.props, platform: 'compose' });
    }
  }

  /**
   * Writes the environment's folder. Files are written in a fixed order with fixed names, so
   * the output is the same bytes every time.
   */
  public synth(): void {
    withOurMessage(() => super.synth());
    const dir = this.outdir;
    const manifests = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
    // named Kustomization (kustomize reads this name too) so that `kubectl apply -f <dir>/`,
    // which takes every .yaml file, does not try to apply it as an object
    fs.writeFileSync(path.join(dir, 'Kustomization'), [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      ...manifests.map((f) => `  - ${f}`),
      '',
    ].join('\n'));
    const stack = this.stack;
    const external = { metrics: stack.externalMetrics, logs: stack.externalLogs, traces: stack.externalTraces };
    if (external.metrics === undefined && external.logs === undefined && external.traces === undefined) {
      // the smoke test, applied on demand: in a folder of its own, so neither the Kustomization
      // nor `kubectl apply -f dist/<env>/` picks it up; made now, so that it sees the stack as
      // the user left it. It queries the bundled backends: with an external one there is none
      const smokeApp = new App({ outdir: path.join(dir, 'smoke-test') });
      const smokeChart = new Chart(smokeApp, 'smoke-test');
      new SmokeTest(smokeChart, 'smoke-test', {
        namespace: stack.namespaceName,
        instance: 'observability',
        alloy: stack.alloy,
        tempo: stack.tempo,
        prometheus: stack.prometheus,
        loki: stack.loki,
        networkPolicies: this.stackProps.networkPolicies !== false,
      });
      synthApp(smokeApp);
    } else {
      // what each external backend must do for the stack, and the rules for an external ruler
      // (neither a manifest: not in the Kustomization)
      fs.writeFileSync(path.join(dir, 'external-backends.md'), externalBackendsNotes(stack.namespaceName, external));
      const ruler = external.metrics?.ruler;
      if (ruler !== undefined) {
        fs.mkdirSync(path.join(dir, 'rules'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'rules', `${ruler.namespace}.yaml`), external.metrics!.renderRules());
      }
    }
    if (this.composeStack !== undefined) this.synthCompose(this.composeStack, external.metrics === undefined && external.logs === undefined && external.traces === undefined);
    // each collector's config and diagram, in a folder named after it (the gateway: alloy/)
    for (const collector of stack.collectors) {
      const collectorDir = path.join(dir, collector.name);
      fs.mkdirSync(collectorDir, { recursive: true });
      fs.writeFileSync(path.join(collectorDir, 'config.alloy'), collector.config.renderOnce());
      fs.writeFileSync(path.join(collectorDir, 'pipeline.md'), mermaidDiagram(collector.config, `Alloy pipeline: ${collector.name} (${this.name})`));
    }
  }
  /** Writes `<outdir>/compose/` from the Compose stack, with its smoke test when every backend is bundled. */
  private synthCompose(compose: ObservabilityStack, smoke: boolean): void {
    if (smoke) {
      // the same Job as the cluster's, in the Compose stack's app, so that its connections are there
      new SmokeTest(new Chart(App.of(compose) as App, 'smoke-test'), 'smoke-test', {
        namespace: compose.namespaceName, instance: 'observability', alloy: compose.alloy, tempo: compose.tempo, prometheus: compose.prometheus, loki: compose.loki,
        networkPolicies: false,
      });
    }
    let project: ComposeProject | undefined;
    withOurMessage(() => { project = composeProject({ stack: compose, kubernetes: this.stack, environment: this.name }); });
    fs.rmSync(this.composeDir, { recursive: true, force: true });
    for (const [file, text] of project!.files) {
      fs.mkdirSync(path.dirname(path.join(this.composeDir, file)), { recursive: true });
      fs.writeFileSync(path.join(this.composeDir, file), text);
    }
  }
}

/**
 * Named environments under one output directory: `add` each (it returns the environment's
 * `EnvironmentApp`, to extend before synth), then `synth()` writes `<outdir>/<name>/` for each
 * and, with `gitops`, `<outdir>/argocd/` with one Argo CD Application per environment.
 *
 * ```ts
 * const envs = new Environments('dist', { gitops: { repoURL: 'https://git.example.com/obs.git' } });
 * const dev = envs.add('dev', { namespace: 'observability-dev' });
 * new components.PrometheusScrape(dev.stack.metricsCollector.config, ...);
 * envs.synth();
 * ```
 */
export class Environments {
  /** The output directory. */
  public readonly outdir: string;
  private readonly added: EnvironmentApp[] = [];
  /** The Argo CD Applications, with gitops. */
  private readonly argocd?: { readonly app: App; readonly chart: Chart; readonly gitops: GitOpsSource };

  public constructor(outdir: string, props: EnvironmentsProps = {}) {
    this.outdir = outdir;
    if (props.gitops !== undefined) {
      // one Application per environment, in a folder of its own: applied to Argo CD's
      // namespace, not with the environments' manifests
      const app = new App({ outdir: path.join(outdir, 'argocd') });
      this.argocd = { app, chart: new Chart(app, 'applications'), gitops: props.gitops };
    }
  }

  /** The environments, in the order they were added. */
  public get environments(): readonly EnvironmentApp[] {
    return [...this.added];
  }

  /**
   * Adds an environment written to `<outdir>/<name>/` (and its Argo CD Application, with
   * gitops) and returns it, to extend before `synth()`.
   * @param name a DNS label, such as "dev", unique among the environments
   * @param props the stack's props in this environment
   * @param options `compose`: also write `<outdir>/compose/` from this environment (one environment at most)
   */
  public add(name: string, props: ObservabilityStackProps = {}, options: { readonly compose?: boolean } = {}): EnvironmentApp {
    if (this.added.some((e) => e.name === name)) {
      throw new Error(`environments: two environments named "${name}"; give each its own name (its folder under ${this.outdir})`);
    }
    const compose = options.compose === true;
    const composing = this.added.find((e) => e.composeStack !== undefined);
    if (compose && composing !== undefined) {
      throw new Error(`environments: "${composing.name}" and "${name}" both ask for ${this.outdir}/${COMPOSE_FOLDER}/ (got compose: true twice); give compose to one environment`);
    }
    const named = name === COMPOSE_FOLDER ? name : compose ? this.added.find((e) => e.name === COMPOSE_FOLDER)?.name : undefined;
    if (named !== undefined && (compose || composing !== undefined)) {
      throw new Error(`environments: an environment named "${named}" would share its folder with the Compose stack (got "${named}"); give it another name`);
    }
    if (this.argocd !== undefined && name === 'argocd') {
      throw new Error(`environments: an environment named "argocd" would share its folder with the Argo CD Applications (got "${name}"); give it another name`);
    }
    const env = new EnvironmentApp(this.outdir, { name, props, compose });
    this.added.push(env);
    if (this.argocd !== undefined) {
      const { chart, gitops } = this.argocd;
      new ArgoCdApplication(chart, name, {
        name: `observability-${name}`,
        repoURL: gitops.repoURL,
        targetRevision: gitops.targetRevision,
        path: `${gitops.path ?? 'dist'}/${name}`,
        namespace: env.stack.namespaceName,
      });
    }
    return env;
  }

  /** Writes the Argo CD Applications (with gitops), then each environment's folder. */
  public synth(): void {
    if (this.argocd !== undefined) synthApp(this.argocd.app);
    for (const env of this.added) env.synth();
  }
}

/**
 * Synthesizes each environment into `<outdir>/<name>/` and returns the stacks: `add` each to
 * `new Environments(outdir, { gitops })`, then `synth()` (use those to extend an environment
 * before synth). Files are written in a fixed order with fixed names, so the output is the same
 * bytes every time. An error raised while synthesizing reaches the caller with its own message
 * first (see `synthApp`), not inside cdk8s's "Validation failed ..." or "Failed serializing ...".
 */
export function synthEnvironments(outdir: string, environments: readonly Environment[], gitops?: GitOpsSource): ObservabilityStack[] {
  const twice = firstDuplicate(environments.map((e) => e.name));
  if (twice !== undefined) {
    throw new Error(`environments: two environments named "${twice}"; give each its own name (its folder under ${outdir})`);
  }
  const envs = new Environments(outdir, { gitops });
  const added = environments.map((env) => envs.add(env.name, env.props, { compose: env.compose }));
  envs.synth();
  return added.map((env) => env.stack);
}
