import { ENVIRONMENTS, synthEnvironments } from './lib/stack/environments';

// `cdk8s synth` passes its output directory; each environment goes to a folder of its own,
// and dist/argocd/ holds one Argo CD Application per environment for this repository
try {
  synthEnvironments(process.env.CDK8S_OUTDIR ?? 'dist', ENVIRONMENTS, {
    // the Git repository Argo CD syncs dist/ from: change it to yours
    repoURL: 'https://github.com/example/observability.git',
    targetRevision: 'main',
    path: 'dist',
  });
} catch (e) {
  // the message first (each starts with its construct's path), then where it was raised
  const error = e instanceof Error ? e : new Error(String(e));
  const origin = error.cause instanceof Error ? error.cause : error;
  const frames = (origin.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  console.error(`${error.message}\n\n${frames.join('\n')}`);
  process.exitCode = 1;
}
