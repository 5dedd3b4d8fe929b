export * from './script';
export * from './smoke-test';
