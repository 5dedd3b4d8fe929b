/**
 * Every command the README gives is run, here or by the test or script named for it. The
 * kubectl commands run as written, against a stand-in API server (support/fake-apiserver.ts):
 * there is no cluster here, and a real kubectl is what reads dist/.
 */
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { loadAll } from 'js-yaml';
import { FakeApiServer } from './support/fake-apiserver';
import { readmeCommand, readmeCommands } from './support/readme';
import { haveTool } from './support/tools';

const root = path.join(__dirname, '..');
const exec = promisify(execFile);

/** Where each README command runs: the file, and the text (or each of the texts) in it that runs the command. */
const RUN_BY: Record<string, { file: string; runs: string | string[] }> = {
  'npx cdk8s synth': { file: '__tests__/dist.test.ts', runs: "spawnSync(cli, ['synth'" },
  'npm ci && npx cdk8s synth': { file: '__tests__/dist.test.ts', runs: "spawnSync(cli, ['synth'" },
  'npm ci && npm test': { file: '.ci/run', runs: 'npm ci\nnpm test' },
  'npm test': { file: '.ci/run', runs: 'npm ci\nnpm test' },
  'apt-get install prometheus prometheus-alertmanager kubernetes-client docker-compose': {
    file: '.ci/run', runs: ['missing+=(prometheus)', 'missing+=(prometheus-alertmanager)', 'missing+=(kubernetes-client)', 'missing+=(docker-compose)', 'apt-get install -y'],
  },
  'kubectl apply': { file: '__tests__/readme-commands.test.ts', runs: "readmeCommand('kubectl apply -f dist/prod/')" },
  'kubectl kustomize': { file: '__tests__/readme-commands.test.ts', runs: "['kustomize', path.join(root, 'dist', env)]" },
  'kubectl apply -f dist/prod/': { file: '__tests__/readme-commands.test.ts', runs: "readmeCommand('kubectl apply -f dist/prod/')" },
  'kubectl apply -f dist/argocd/': { file: '__tests__/readme-commands.test.ts', runs: "readmeCommand('kubectl apply -f dist/argocd/')" },
  'kubectl -n observability create secret generic grafana-admin --from-literal=admin-password="$(openssl rand -base64 24)"': {
    file: '__tests__/readme-commands.test.ts', runs: "readmeCommand('kubectl -n observability create secret')",
  },
  // no Docker engine here: the .env line runs as written, and the Compose commands' file goes
  // through `docker-compose config` with that .env
  'printf \'GF_SECURITY_ADMIN_PASSWORD=%s\\n\' "$(openssl rand -base64 24)" > dist/compose/.env': {
    file: '__tests__/stack/compose.test.ts', runs: "readmeCommand('printf ')",
  },
  'docker-compose config': { file: '__tests__/stack/compose.test.ts', runs: "spawnSync('docker-compose', ['-f', file, 'config']" },
  'docker compose -f dist/compose/compose.yaml up -d': { file: '__tests__/stack/compose.test.ts', runs: "readmeCommand('docker compose -f dist/compose/compose.yaml up')" },
  'docker compose -f dist/compose/compose.yaml run --rm smoke-test': { file: '__tests__/stack/compose.test.ts', runs: "readmeCommand('docker compose -f dist/compose/compose.yaml run')" },
  'npm install github:<org>/cdk8s-alloy cdk8s constructs cdk8s-plus-28': { file: '__tests__/package.test.ts', runs: "readmeCommand('npm install github:')" },
  'npm pack': { file: '__tests__/package.test.ts', runs: "readmeCommand('npm pack')" },
  'npm install /path/to/cdk8s-alloy-0.1.0.tgz cdk8s constructs cdk8s-plus-28': { file: '__tests__/package.test.ts', runs: "readmeCommand('npm install /path/to/')" },
  'npx cdk8s-alloy check config.alloy': { file: '__tests__/package.test.ts', runs: "cli(readmeCommand('npx cdk8s-alloy check'))" },
  'npx cdk8s-alloy fmt -w config.alloy': { file: '__tests__/package.test.ts', runs: "cli(readmeCommand('npx cdk8s-alloy fmt'))" },
  'npx cdk8s-alloy import config.alloy -o config.ts': { file: '__tests__/package.test.ts', runs: "cli(readmeCommand('npx cdk8s-alloy import'))" },
};

test('every command in the README is run by a test or by .ci/run', () => {
  const commands = readmeCommands();
  expect(commands.filter((c) => RUN_BY[c] === undefined)).toEqual([]);
  for (const c of commands) {
    const { file, runs } = RUN_BY[c];
    const text = fs.readFileSync(path.join(root, file), 'utf-8');
    expect({ command: c, file, runs: [runs].flat().every((r) => text.includes(r)) }).toEqual({ command: c, file, runs: true });
  }
  // and the table holds nothing the README no longer says
  expect(Object.keys(RUN_BY).filter((c) => !commands.includes(c))).toEqual([]);
});

const hasKubectl = haveTool('kubectl', ['version', '--client']) && haveTool('openssl', ['version']);
const maybe = hasKubectl ? describe : describe.skip;

maybe('the README\'s kubectl commands, against a stand-in Kubernetes 1.28 API server', () => {
  // kubectl before 1.27 validates on the client, from an OpenAPI v2 document this server does
  // not serve; the server checks every object against the strict 1.28 schema either way
  const minor = hasKubectl ? Number(JSON.parse(spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf-8' }).stdout).clientVersion.minor.replace(/\D/g, '')) : 0;
  const flags = minor >= 27 ? '' : ' --validate=false';

  async function kubectl(server: FakeApiServer, command: string): Promise<{ ok: boolean; out: string }> {
    try {
      const r = await exec('bash', ['-c', command + flags], { cwd: root, env: { ...process.env, KUBECONFIG: server.kubeconfig } });
      return { ok: true, out: r.stdout + r.stderr };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      return { ok: false, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
    }
  }
  const ids = (objects: any[]) => objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  const manifests = (file: string) => (loadAll(fs.readFileSync(path.join(root, file), 'utf-8')) as any[]).filter((m) => m !== null);

  test('kubectl apply -f dist/prod/ creates the namespace and the whole stack in one pass; the Secret command gives Grafana the password it reads', async () => {
    const server = await FakeApiServer.start();
    try {
      const apply = await kubectl(server, readmeCommand('kubectl apply -f dist/prod/'));
      expect(apply).toMatchObject({ ok: true });
      expect(ids(server.objects)).toEqual(ids(manifests('dist/prod/observability.k8s.yaml')));
      expect(server.objects[0].kind).toBe('Namespace');

      const secret = await kubectl(server, readmeCommand('kubectl -n observability create secret'));
      expect(secret).toMatchObject({ ok: true });
      const created = server.objects.at(-1);
      const grafana = server.objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'grafana');
      const refs = grafana.spec.template.spec.containers.flatMap((c: any) => c.env ?? []).map((e: any) => e.valueFrom?.secretKeyRef).filter(Boolean);
      expect(refs).toEqual([{ name: created.metadata.name, key: Object.keys(created.data)[0] }]);
      expect([created.kind, created.metadata.namespace, Object.keys(created.data)]).toEqual(['Secret', grafana.metadata.namespace, ['admin-password']]);
      // 24 random bytes, base64: never a literal in the README or dist/
      expect(Buffer.from(Buffer.from(created.data['admin-password'], 'base64').toString(), 'base64')).toHaveLength(24);
    } finally {
      await server.stop();
    }
  });

  test('dist/dev/ and dist/large/ apply the same way', async () => {
    for (const env of ['dev', 'large']) {
      const server = await FakeApiServer.start();
      try {
        expect(await kubectl(server, `kubectl apply -f dist/${env}/`)).toMatchObject({ ok: true });
        expect(ids(server.objects)).toEqual(ids(manifests(`dist/${env}/observability.k8s.yaml`)));
      } finally {
        await server.stop();
      }
    }
  });

  test('kubectl apply -f dist/argocd/ needs Argo CD, and with it creates one Application per environment', async () => {
    const bare = await FakeApiServer.start();
    try {
      const without = await kubectl(bare, readmeCommand('kubectl apply -f dist/argocd/'));
      expect(without.ok).toBe(false);
      expect(without.out).toMatch(/no matches for kind "Application" in version "argoproj.io\/v1alpha1"/);
    } finally {
      await bare.stop();
    }
    const server = await FakeApiServer.start({ argocd: true });
    try {
      expect(await kubectl(server, readmeCommand('kubectl apply -f dist/argocd/'))).toMatchObject({ ok: true });
      expect(ids(server.objects)).toEqual(['Application/argocd/observability-dev', 'Application/argocd/observability-prod', 'Application/argocd/observability-large']);
    } finally {
      await server.stop();
    }
  });

  test('the server refuses what a real one would: an unknown field, an object in a namespace not yet created', async () => {
    const server = await FakeApiServer.start();
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'cdk8s-alloy-bad-'));
    try {
      fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\ndataa: {a: b}\n');
      const unknown = await kubectl(server, `kubectl apply -f ${dir}/bad.yaml`);
      expect(unknown.ok).toBe(false);
      expect(unknown.out).toContain('dataa');
      fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: nowhere}\n');
      const missing = await kubectl(server, `kubectl apply -f ${dir}/bad.yaml`);
      expect(missing.ok).toBe(false);
      expect(missing.out).toContain('namespaces "nowhere" not found');
      expect(server.objects).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  test('kubectl kustomize <env>/ renders the same objects as the folder', () => {
    for (const env of ['dev', 'prod']) {
      const r = spawnSync('kubectl', ['kustomize', path.join(root, 'dist', env)], { encoding: 'utf-8' });
      expect(r.stderr).toBe('');
      const rendered = (loadAll(r.stdout) as any[]).filter((m) => m !== null);
      expect(ids(rendered).sort()).toEqual(ids(manifests(`dist/${env}/observability.k8s.yaml`)).sort());
    }
  });
});
