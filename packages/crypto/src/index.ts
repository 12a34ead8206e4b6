export * from './encoding.js';
export * from './kdf.js';
