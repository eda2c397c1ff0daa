/** The programmer error thrown when code builds or derives a message that RFC 3261 §8.1.1 / §20 would make invalid. */

export type SipBuildErrorCode =
  | 'missing-header' | 'duplicate-header' | 'bad-header' | 'bad-via' | 'bad-from' | 'bad-to' | 'bad-call-id'
  | 'bad-cseq' | 'cseq-method-mismatch' | 'bad-method' | 'bad-uri' | 'bad-status' | 'bad-reason';

export class SipBuildError extends Error {
  override readonly name = 'SipBuildError';

  constructor(readonly code: SipBuildErrorCode | string, message: string) {
    super(`${code}: ${message}`);
  }
}
