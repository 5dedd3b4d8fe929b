import { App } from 'cdk8s';
import { ObservabilityStack } from './lib';

const app = new App();
new ObservabilityStack(app, 'observability');
app.synth();
