/** Configuration of the SIP transport layer, with units, defaults and start-up validation (RFC 3261 §18.1.1, RFC 3581). */

export interface TransportLayerConfig {
  /**
   * §18.1.1: a UDP request larger than this many bytes goes over TCP when a TCP listen point exists.
   * 1300 is the RFC's figure for an unknown path MTU.
   */
  readonly udpMtuBytes: number;
  /** When the path MTU is known, the threshold becomes 200 bytes below it (§18.1.1) instead of udpMtuBytes. */
  readonly pathMtuBytes?: number;
  /** RFC 3581 §3: add an empty `rport` to the top Via of every request we send. */
  readonly addRport: boolean;
  /**
   * An oversized UDP request with no TCP listen point: `send` it anyway (IP fragmentation; what most
   * deployments do and the default) or `reject` it with a `too-large` outcome.
   */
  readonly oversizeUdp: 'send' | 'reject';
}

export const defaultTransportLayerConfig: TransportLayerConfig = {
  udpMtuBytes: 1300,
  addRport: true,
  oversizeUdp: 'send',
};

export class TransportConfigError extends Error {
  readonly code = 'bad-transport-config';
  constructor(readonly problems: readonly string[]) {
    super(`invalid transport config: ${problems.join('; ')}`);
    this.name = 'TransportConfigError';
  }
}

/** Every problem with the config, each naming the field and the allowed range; empty when valid. */
export function validateTransportLayerConfig(config: TransportLayerConfig): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(config.udpMtuBytes) || config.udpMtuBytes < 200 || config.udpMtuBytes > 65507) {
    problems.push(`udpMtuBytes must be an integer 200..65507, got ${config.udpMtuBytes}`);
  }
  if (config.pathMtuBytes !== undefined && (!Number.isInteger(config.pathMtuBytes) || config.pathMtuBytes < 576 || config.pathMtuBytes > 65535)) {
    problems.push(`pathMtuBytes must be an integer 576..65535, got ${config.pathMtuBytes}`);
  }
  if (config.oversizeUdp !== 'send' && config.oversizeUdp !== 'reject') {
    problems.push(`oversizeUdp must be "send" or "reject", got ${String(config.oversizeUdp)}`);
  }
  return problems;
}

/** The largest UDP request we send as UDP (§18.1.1). */
export function udpThresholdBytes(config: TransportLayerConfig): number {
  return config.pathMtuBytes !== undefined ? config.pathMtuBytes - 200 : config.udpMtuBytes;
}
