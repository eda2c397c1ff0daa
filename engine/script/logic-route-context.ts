/**
 * The `b2b` of the b2b_logic request and reply routes (opensips-b2b.md §1.2 LQ/LR, §2.1, §2.3): the
 * script's verbs delegated to the logic's LogicRequestContext / LogicReplyContext, with the script's
 * message edits handed over on pass/handle, CSV flags parsed, and the §2.3 variables of the session.
 */
import type { SipResponse } from '../sip/message';
import type { BridgeFlags, ClientDeclaration, EntityRef, HandleReplyFlags, LogicReplyContext, LogicRequestContext } from '../b2b/logic/scripted-types';
import type { LogicOutcome } from '../b2b/logic/logic-types';
import type { Logger } from '../ports/logger';
import { parseBridgeFlags, parseHandleReplyFlags } from './bridge-flags';
import { MapCtxStore } from './ctx-store';
import { clientDeclaration, entityId, headerPairs } from './declarations';
import type { EditableReply, EditableRequest } from './editable-message';
import { logicCall, MAX_NEW_ENTITIES, RouteVerbs, type RouteKind } from './route-verbs';
import type { ScriptEnv } from './script-env';
import { ScriptError } from './script-error';
import type {
  ClientNewOptions, EntityField, LogicReplyB2b, LogicRequestB2b, ScriptReplyOptions, TriggerPeer,
} from './script-types';
import { triggerSpec } from './trigger-scenario';

const encoder = new TextEncoder();
/** The provisional-media client of `bridge(…, { provMedia })` (§6.7). */
export const PROV_MEDIA_ID = 'provmedia';

type RouteContext = LogicRequestContext | LogicReplyContext;

abstract class LogicRouteRun<C extends RouteContext> extends RouteVerbs {
  private newEntities = 0;

  constructor(env: ScriptEnv, log: Logger, protected readonly context: C) {
    super(env, log, new MapCtxStore(context.ctx));
  }

  get key(): string { return this.context.sessionKey; }
  get scenario(): string { return this.context.scenario; }
  get entityId(): string { return this.context.entity.id; }

  protected currentEntityKey(): string | undefined {
    return this.context.entity.key;
  }

  /** §2.3 from the logic's own view of the pair (no session listing needed). */
  override entity(field: EntityField = 'key', index?: 0 | 1): string | undefined {
    const ref: EntityRef | undefined = index === undefined ? this.context.entity : this.context.entityAt(index);
    if (ref === undefined) return undefined;
    switch (field) {
      case 'key': return ref.key;
      case 'id': return ref.id;
      case 'callid': return ref.callId;
      case 'fromtag': return ref.fromTag;
      case 'totag': return ref.toTag;
      default: {
        const never: never = field;
        throw new ScriptError('bad-argument', `entity: unknown field "${String(never)}" (key, callid, id, fromtag, totag)`);
      }
    }
  }

  override clientNew(id: string, uri: string, options: ClientNewOptions = {}): void {
    if (this.newEntities >= MAX_NEW_ENTITIES) throw new ScriptError('too-many-entities', `clientNew: at most ${MAX_NEW_ENTITIES} new entities per message`);
    const declaration = clientDeclaration(id, uri, options, 'clientNew');
    logicCall('clientNew', () => this.context.clientNew(declaration));
    this.newEntities++;
  }

  override endDlgLeg(): void {
    logicCall('endDlgLeg', () => this.context.endDlgLeg());
  }

  override triggerScenario(scenario: string, params: string, first: TriggerPeer, second: TriggerPeer): LogicOutcome {
    const spec = triggerSpec(scenario, params, first, second, this.sender(), undefined);
    return logicCall('triggerScenario', () => this.env.logic.triggerScenario(spec));
  }

  protected sender(): { readonly entityKey: string; readonly referCseq?: number } {
    return { entityKey: this.context.entity.key };
  }
}

export class LogicRequestRun extends LogicRouteRun<LogicRequestContext> implements LogicRequestB2b {
  protected readonly route: RouteKind = 'b2b-request';

  constructor(env: ScriptEnv, log: Logger, context: LogicRequestContext, readonly msg: EditableRequest) {
    super(env, log, context);
  }

  override passRequest(): void {
    logicCall('passRequest', () => this.context.passRequest(this.msg.sip));
  }

  override sendReply(status: number, reason: string, options: ScriptReplyOptions = {}): void {
    if (!Number.isInteger(status) || status < 100 || status > 699) throw new ScriptError('bad-status', `sendReply status must be 100..699, got ${status}`);
    if (typeof reason !== 'string' || /[\r\n]/.test(reason)) throw new ScriptError('bad-argument', 'sendReply: reason must be one line of text');
    const headers = headerPairs(options.headers, 'sendReply');
    const body = typeof options.body === 'string' ? encoder.encode(options.body) : options.body;
    // Same default as the main route's reply: a body without a type is text.
    const contentType = options.contentType ?? 'text/plain';
    logicCall('sendReply', () => this.context.sendReply(status, reason, {
      ...(headers !== undefined ? { headers } : {}),
      ...(body !== undefined && body.length > 0 ? { body: { body, contentType } } : {}),
    }));
  }

  override deleteEntity(): void {
    logicCall('deleteEntity', () => this.context.deleteEntity());
  }

  override bridge(first: string, second: string, options: { readonly provMedia?: string; readonly flags?: string | BridgeFlags } = {}): void {
    entityId(first, 'bridge');
    entityId(second, 'bridge');
    const flags = parseBridgeFlags(options.flags);
    const provMedia: ClientDeclaration | undefined = options.provMedia === undefined || options.provMedia === ''
      ? undefined
      : clientDeclaration(PROV_MEDIA_ID, options.provMedia, {}, 'bridge provMedia');
    logicCall('bridge', () => this.context.bridge(first, second, { flags, ...(provMedia !== undefined ? { provMedia } : {}) }));
  }

  protected override sender(): { readonly entityKey: string; readonly referCseq?: number } {
    const request = this.context.request;
    // NOTIFYs about a REFER carry its CSeq as `Event: refer;id=` (RFC 3515 §2.4.6).
    return request.method === 'REFER' ? { entityKey: this.context.entity.key, referCseq: request.cseq.seq } : { entityKey: this.context.entity.key };
  }
}

export class LogicReplyRun extends LogicRouteRun<LogicReplyContext> implements LogicReplyB2b {
  protected readonly route: RouteKind = 'b2b-reply';

  /** `edited` is false for a reply the engine made up (timeout, transport failure): nothing to hand back. */
  constructor(env: ScriptEnv, log: Logger, context: LogicReplyContext, readonly msg: EditableReply, private readonly received: boolean) {
    super(env, log, context);
  }

  get method(): string { return this.context.method; }

  override handleReply(flags?: string | HandleReplyFlags): void {
    const parsed = parseHandleReplyFlags(flags);
    const edited: SipResponse | undefined = this.received ? this.msg.sip : undefined;
    logicCall('handleReply', () => this.context.handleReply(parsed, edited));
  }

  override bridgeRetry(id: string): void {
    entityId(id, 'bridgeRetry');
    logicCall('bridgeRetry', () => this.context.bridgeRetry(id));
  }
}
