export * from './ids.js';
export * from './errors.js';
export * from './envelope.js';
export * from './auth.js';
export * from './chat.js';
export * from './scheduling.js';
export * from './events.js';
export * from './time.js';
