// Public surface of the pure EDU core.
export * from './types';
export * from './entropy';
export * from './align';
export * from './segment';
