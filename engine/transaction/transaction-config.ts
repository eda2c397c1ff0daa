/** Transaction-layer configuration with units, defaults and start-up validation (RFC 3261 §17.1.1.2, §17.2, Table 4; RFC 6026 §8). */

export interface TransactionConfig {
  /** T1, the RTT estimate: first Timer A/E/G interval; 64·T1 gives Timers B, F, H, J, L, M (§17.1.1.1). */
  readonly t1Ms: number;
  /** T2, the cap of non-INVITE request and INVITE response retransmission intervals (§17.1.2.2, §17.2.1). */
  readonly t2Ms: number;
  /** T4, how long a message may stay in the network: Timers I and K on unreliable transports (§17.1.2.2). */
  readonly t4Ms: number;
  /** Timer D on unreliable transports: at least 32 s (§17.1.1.2); zero on reliable ones. */
  readonly timerDMs: number;
  /**
   * Timer C (§16.6 item 11, used here by the INVITE client): how long the ICT waits in Proceeding for a
   * final response before reporting a timeout, restarted by each provisional. `undefined` disables it,
   * in which case a UAC whose final response never arrives must CANCEL on its own.
   */
  readonly timerCMs: number | undefined;
  /**
   * §17.2.1: how long the IST waits for the TU's first response before sending 100 Trying itself.
   * 200 (the RFC's figure) saves a packet whenever the TU answers quickly; 0 sends it at once.
   */
  readonly trying100DelayMs: number;
  /** New server transactions beyond this many live transactions are refused with 503 (statelessly). */
  readonly maxLiveTransactions: number;
  /** Length of the random part of generated branches (after `z9hG4bK`, §8.1.1.7). */
  readonly branchTokenLength: number;
}

export const defaultTransactionConfig: TransactionConfig = {
  t1Ms: 500,
  t2Ms: 4000,
  t4Ms: 5000,
  timerDMs: 32000,
  timerCMs: 180000,
  trying100DelayMs: 200,
  maxLiveTransactions: 1_000_000,
  branchTokenLength: 16,
};

export class TransactionConfigError extends Error {
  readonly code = 'bad-transaction-config';
  constructor(readonly problems: readonly string[]) {
    super(`invalid transaction config: ${problems.join('; ')}`);
    this.name = 'TransactionConfigError';
  }
}

function checkInt(problems: string[], name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || !Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be an integer ${min}..${max}, got ${String(value)}`);
  }
}

/** Every problem with the config, each naming the field and the allowed range; empty when valid. */
export function validateTransactionConfig(config: TransactionConfig): string[] {
  const problems: string[] = [];
  checkInt(problems, 't1Ms', config.t1Ms, 1, 60_000);
  checkInt(problems, 't2Ms', config.t2Ms, 1, 600_000);
  checkInt(problems, 't4Ms', config.t4Ms, 0, 600_000);
  // §17.1.1.2: Timer D MUST be at least 32 s on unreliable transports.
  checkInt(problems, 'timerDMs', config.timerDMs, 32_000, 600_000);
  if (config.timerCMs !== undefined) checkInt(problems, 'timerCMs', config.timerCMs, 1, 3_600_000);
  checkInt(problems, 'trying100DelayMs', config.trying100DelayMs, 0, 60_000);
  checkInt(problems, 'maxLiveTransactions', config.maxLiveTransactions, 1, 100_000_000);
  checkInt(problems, 'branchTokenLength', config.branchTokenLength, 8, 64);
  if (problems.length === 0 && config.t2Ms < config.t1Ms) problems.push(`t2Ms must be >= t1Ms (${config.t1Ms}), got ${config.t2Ms}`);
  return problems;
}

/** Defaults overlaid with `partial`, validated; throws TransactionConfigError listing every problem. */
export function resolveTransactionConfig(partial: Partial<TransactionConfig> = {}): TransactionConfig {
  const config: TransactionConfig = { ...defaultTransactionConfig, ...partial };
  const problems = validateTransactionConfig(config);
  if (problems.length > 0) throw new TransactionConfigError(problems);
  return config;
}
