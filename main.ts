import { ENVIRONMENTS, synthEnvironments } from './lib/stack/environments';

// `cdk8s synth` passes its output directory; each environment goes to a folder of its own,
// and dist/argocd/ holds one Argo CD Application per environment for this repository
synthEnvironments(process.env.CDK8S_OUTDIR ?? 'dist', ENVIRONMENTS, {
  // the Git repository Argo CD syncs dist/ from: change it to yours
  repoURL: 'https://github.com/example/observability.git',
  targetRevision: 'main',
  path: 'dist',
});
