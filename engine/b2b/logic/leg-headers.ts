/**
 * What is copied from a message on one leg to the message sent on the other (opensips-b2b.md §1.7):
 * the default header list, `custom_headers`, `custom_headers_regexp`, auth headers with
 * `transparent-auth`, Refer-To on REFER, Max-Forwards−1, and the body with its Content-Type.
 */
import type { SipMessage, SipRequest } from '../../sip/message';
import type { BodyPart } from '../../dialog/request-factory';

export type HeaderPairs = Array<readonly [string, string]>;

/**
 * §1.7 default list as the code has it (Event and Subscription-State included). Content-Type travels
 * with the body part, Max-Forwards is decremented separately, so neither is here.
 */
export const DEFAULT_PASSED_HEADERS: readonly string[] = [
  'supported', 'allow', 'proxy-require', 'session-expires', 'min-se', 'event', 'require', 'rseq', 'subscription-state',
];

/** §1.7: `custom_headers` holds at most 32 names. */
export const MAX_CUSTOM_HEADERS = 32;

export class LegHeadersError extends Error {
  constructor(readonly code: 'too-many-custom-headers', message: string) {
    super(message);
    this.name = 'LegHeadersError';
  }
}

export interface HeaderPassingConfig {
  readonly customHeaders: readonly string[];
  readonly customHeadersRegexp?: RegExp;
}

/** Which headers go across, decided once per logic instance so the per-message walk is one Set lookup. */
export class HeaderFilter {
  private readonly names: Set<string>;
  private readonly regexp: RegExp | undefined;

  constructor(config: HeaderPassingConfig) {
    if (config.customHeaders.length > MAX_CUSTOM_HEADERS) {
      throw new LegHeadersError('too-many-custom-headers', `custom_headers takes at most ${MAX_CUSTOM_HEADERS} names, got ${config.customHeaders.length}`);
    }
    this.names = new Set(DEFAULT_PASSED_HEADERS);
    for (const name of config.customHeaders) {
      const trimmed = name.trim().toLowerCase();
      if (trimmed.length > 0) this.names.add(trimmed);
    }
    // A global or sticky regexp keeps lastIndex between tests; a fresh non-global copy does not.
    const re = config.customHeadersRegexp;
    this.regexp = re === undefined ? undefined : new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
  }

  /** The header lines of `message` to pass, with `extra` lower-cased names allowed for this message only. */
  pick(message: SipMessage, extra?: ReadonlySet<string>): HeaderPairs {
    const out: HeaderPairs = [];
    for (const h of message.headers) {
      const key = h.key;
      if (this.names.has(key) || (extra !== undefined && extra.has(key)) || (this.regexp !== undefined && this.regexp.test(h.name))) {
        out.push([h.name, h.value]);
      }
    }
    return out;
  }
}

export const AUTH_REQUEST_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization']);
export const AUTH_CHALLENGE_HEADERS: ReadonlySet<string> = new Set(['www-authenticate', 'proxy-authenticate']);
export const REFER_HEADERS: ReadonlySet<string> = new Set(['refer-to', 'referred-by']);

/** The body of a message as a part to send on the other leg (§1.7: bodies are copied as-is). */
export function bodyOf(message: SipMessage): BodyPart | undefined {
  if (message.body.length === 0) return undefined;
  return { body: message.body, contentType: message.header('content-type') ?? 'application/sdp' };
}

/** Max-Forwards for the relayed request: one less than received (70 when absent, §8.1.1.6). */
export function nextMaxForwards(request: SipRequest): number {
  const mf = request.maxForwards;
  return mf === undefined ? 69 : mf - 1;
}
