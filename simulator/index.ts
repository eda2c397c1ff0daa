/** The deterministic simulator's public surface (DESIGN.md, Simulator). */
export * from './world';
export * from './host';
export * from './network';
export * from './link';
export * from './link-faults';
export * from './prng';
export * from './event-queue';
export * from './virtual-clock';
export * from './sim-transport';
export * from './stream-connections';
export * from './trace';
export * from './errors';
export * from './determinism';
export * from './repro';
export * from './recorder-host';
