export * from './component';
export * from './config';
export * from './schema';
export * from './signals';
export * from './stability';
export * from './syntax';
export * from './diagram';
