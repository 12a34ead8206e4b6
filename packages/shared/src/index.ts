export * from './ids.js';
export * from './errors.js';
export * from './envelope.js';
export * from './auth.js';
