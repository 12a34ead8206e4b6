export * from './avatars.js';
export * from './image-check.js';
