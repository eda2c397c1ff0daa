/** The engine's whole view of the world (DESIGN.md, ports/). */
export * from './clock';
export * from './random';
export * from './transport';
export * from './logger';
export * from './random-token';
