/** Test support: fake b2b_logic route contexts (the logic's LogicRequestContext / LogicReplyContext) that record every verb. */
import type { SipRequest, SipResponse } from '../sip/message';
import type { EntityReply } from '../b2b/entities/entity-types';
import {
  LogicUsageError, type ClientDeclaration, type EntityRef, type LogicReplyContext, type LogicRequestContext,
} from '../b2b/logic/scripted-types';

export interface VerbCall {
  readonly verb: string;
  readonly args: readonly unknown[];
}

export const CALLER: EntityRef = { id: 'caller', key: 'B2B.server.1', kind: 'server', callId: 'call-1', fromTag: 'alice-tag', toTag: 'B2B.server.1' };
export const CALLEE: EntityRef = { id: 'callee', key: 'B2B.client.1', kind: 'client', callId: 'B2B.client.1', fromTag: 'our-from-tag', toTag: 'bob-tag' };

abstract class FakeRouteContext {
  readonly calls: VerbCall[] = [];
  readonly declared: ClientDeclaration[] = [];
  readonly sessionKey = '7.1';
  readonly scenario = 'transfer';
  readonly ctx = new Map<string, string>([['tenant', 'acme']]);
  decided = false;
  /** When set, the next verb throws it (the logic refusing a call). */
  refuse: LogicUsageError | undefined;

  constructor(readonly entity: EntityRef, readonly peer: EntityRef | undefined) {}

  entityAt(index: 0 | 1): EntityRef | undefined {
    return index === 0 ? CALLER : CALLEE;
  }

  clientNew(declaration: ClientDeclaration): void {
    this.record('clientNew', [declaration]);
    this.declared.push(declaration);
  }

  endDlgLeg(): void { this.record('endDlgLeg', []); }

  protected record(verb: string, args: readonly unknown[]): void {
    const refuse = this.refuse;
    this.refuse = undefined;
    if (refuse !== undefined) throw refuse;
    this.calls.push({ verb, args });
  }
}

export class FakeRequestContext extends FakeRouteContext implements LogicRequestContext {
  constructor(readonly request: SipRequest, entity: EntityRef = CALLER, peer: EntityRef | undefined = CALLEE) {
    super(entity, peer);
  }

  passRequest(edited?: SipRequest): void { this.record('passRequest', [edited]); this.decided = true; }
  sendReply(status: number, reason: string, options?: unknown): void { this.record('sendReply', [status, reason, options]); this.decided = status >= 200; }
  deleteEntity(): void { this.record('deleteEntity', []); }
  bridge(first: string, second: string, options?: unknown): void { this.record('bridge', [first, second, options]); this.decided = true; }
}

export class FakeReplyContext extends FakeRouteContext implements LogicReplyContext {
  readonly reply: EntityReply;

  constructor(response: SipResponse | undefined, readonly method = 'INVITE', status?: { status: number; reason: string }, entity: EntityRef = CALLEE) {
    super(entity, CALLER);
    this.reply = response === undefined ? { status: status?.status ?? 408, reason: status?.reason ?? 'Request Timeout', response } : { status: response.status, reason: response.reason, response };
  }

  handleReply(flags?: unknown, edited?: SipResponse): void { this.record('handleReply', [flags, edited]); this.decided = true; }
  bridgeRetry(id: string): void { this.record('bridgeRetry', [id]); this.decided = true; }
}
