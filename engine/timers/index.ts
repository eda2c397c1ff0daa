/** The timer facility: one TimerService over the Clock port (DESIGN.md, Timers and tables). */
export * from './timer-service';
export * from './timer-queue';
export * from './clock-timer-service';
export * from './manual-clock';
