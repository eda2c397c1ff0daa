/**
 * What starts or reshapes script-driven sessions from outside their own routes (opensips-b2b.md §2.1
 * b2b_bridge_request / b2b_trigger_scenario, §2.4 MI trigger_scenario and bridge, §2.6 API bridge,
 * bridge_2calls, get_stats, get_entity_info, register_cb, §2.3 `$b2b_logic.peer`).
 */
import { formatUri, parseUri } from '../../sip/uri';
import { buildResponse } from '../../dialog/responses';
import type { ServerTransaction } from '../../transaction/transaction-types';
import type { ReceiveContext } from '../../transport/transport-layer';
import type { BridgeRequestSpec, InitResult, LogicOutcome, MiBridgeSpec, TriggerSpec } from './logic-types';
import { maxDurationMs } from './logic-services';
import { entityRef } from './entity-ref';
import type {
  BridgeFlags, ClientDeclaration, EntityRef, LogicInternals, MediaProcedure, ProcedureHost, ScriptedHandle, SessionCallbacks, SessionStats,
} from './scripted-types';
import type { Leg, Session } from './session';
import { dialogIdOf, legByDialog, partnerOf, statsOf } from './starter-lookup';
import { detach, endParty } from './procedures/starter-helpers';

const NOT_FOUND: LogicOutcome = { ok: false, code: 404, message: 'B2B session not found' };
const INIT_FAILED: LogicOutcome = { ok: false, code: 500, message: 'Failed to initialize scenario' };
/** OpenSIPS's MI core answer when a command handler fails after its checks. */
const INTERNAL: LogicOutcome = { ok: false, code: 500, message: 'Internal error' };

/** Ids of the legs the starters create (OpenSIPS gives them none; scripts see these). */
export const PICKUP_LEG_ID = 'pickup';
export const NEW_DEST_ID = 'new_dest';
export const PROV_MEDIA_ID = 'prov_media';

export class SessionStarters {
  constructor(private readonly internals: LogicInternals) {}

  /** `b2b_bridge_request` (§2.1): the current initial INVITE replaces one party of an existing session. */
  bridgeRequest(tx: ServerTransaction, spec: BridgeRequestSpec, _received: ReceiveContext): InitResult {
    const { services } = this.internals;
    const config = services.config;
    const session = this.internals.find(spec.key);
    if (session === undefined) return this.refuse(tx, 404, 'B2B session not found');
    const handle = this.internals.scripted(session);
    const kept = session.bridgeEntities[spec.entityNo];
    if (handle === undefined || kept === undefined || kept.ended || kept.disconnected) return this.refuse(tx, 404, 'B2B session not found');
    const early = kept.entity.state !== 'confirmed';
    if ((early && !config.earlyUpdate) || handle.procedure !== undefined || session.state === 'cancel') {
      services.logger.warn({ key: session.key, early, busy: handle.procedure !== undefined }, 'b2b_bridge_request: the kept party cannot be bridged now');
      return this.refuse(tx, early ? 480 : 491, early ? 'Temporarily Unavailable' : 'Request Pending');
    }
    for (const [k, v] of spec.ctx ?? []) session.ctx.set(k, v);
    const picker = services.createServer(session, tx, PICKUP_LEG_ID);
    // §6.8: bridge_request resets the lifetime to max_duration.
    services.setLifetime(session, maxDurationMs(config));
    const started = this.run(handle, (host) => this.internals.procedures.pickup(host, {
      kept, picker, lateBye: spec.lateBye === true, termDelayS: config.oldEntityTermDelayS ?? 0, earlyUpdate: config.earlyUpdate === true,
    }));
    return started ? { ok: true, key: session.key } : { ok: false, status: 500, reason: 'Server Internal Error' };
  }

  /** MI trigger_scenario / script b2b_trigger_scenario / API init with two clients (§2.1, §2.4, §6.3). */
  triggerScenario(spec: TriggerSpec): LogicOutcome {
    const { services } = this.internals;
    const address = services.config.serverAddress;
    if (address === undefined) {
      services.logger.error({ scenario: spec.scenario }, 'b2b trigger_scenario needs server_address (the Contact of sessions started from the middle)');
      return INIT_FAILED;
    }
    let notifyLeg: Leg | undefined;
    if (spec.notify !== undefined) {
      notifyLeg = 'entityKey' in spec.notify ? this.legByEntityKey(spec.notify.entityKey) : this.internals.find(spec.notify.sessionKey)?.bridgeEntities[spec.notify.party];
      if (notifyLeg === undefined) return INIT_FAILED;
    }
    let handle: ScriptedHandle;
    try {
      handle = this.internals.newScriptedSession({
        scenario: spec.scenario, hashUris: [formatUri(spec.first.uri), formatUri(spec.second.uri)],
        ...(spec.ctx === undefined ? {} : { ctx: spec.ctx }),
        ...(spec.routes === undefined ? {} : { routes: spec.routes }),
        ...(spec.callbacks === undefined ? {} : { callbacks: spec.callbacks }),
        contact: address.includes('<') ? address : `<${address}>`,
        // §6.8: no expiry until a leg answers.
        lifetimeMs: undefined,
      });
    } catch (error) {
      services.logger.error({ scenario: spec.scenario, error: String(error) }, 'b2b trigger_scenario could not create the session');
      return INIT_FAILED;
    }
    const referCseq = spec.notify !== undefined && 'entityKey' in spec.notify ? spec.notify.referCseq : undefined;
    const notify = notifyLeg === undefined ? undefined : { leg: notifyLeg, ...(referCseq === undefined ? {} : { referCseq }) };
    const started = this.run(handle, (host) => this.internals.procedures.thirdParty(host, {
      first: spec.first, second: spec.second, ...(notify === undefined ? {} : { notify }),
    }));
    return started && !handle.session.destroyed ? { ok: true, key: handle.session.key } : INIT_FAILED;
  }

  /** MI `b2b_logic:bridge` (§2.4): four variants; the non-kept party is BYE'd at once. */
  miBridge(spec: MiBridgeSpec): LogicOutcome {
    const uri = parseUri(spec.newUri);
    if (uri === undefined) return { ok: false, code: 404, message: 'Invalid uri for the new destination' };
    if (spec.flag !== undefined && spec.flag !== 0 && spec.flag !== 1) return { ok: false, code: 404, message: "Invalid 'flag' parameter" };
    let provMedia: ClientDeclaration | undefined;
    if (spec.provMediaUri !== undefined) {
      const provUri = parseUri(spec.provMediaUri);
      if (provUri === undefined) return { ok: false, code: 404, message: "Bad 'prov_media_uri' parameter" };
      provMedia = { id: PROV_MEDIA_ID, uri: provUri };
    }
    const session = this.internals.find(spec.dialogId);
    if (session === undefined) return NOT_FOUND;
    // A leg id without a flag: that leg is BYE'd and its peer kept.
    const named = spec.flag === undefined ? legByDialog(session, spec.dialogId) : undefined;
    const kept = named !== undefined ? partnerOf(named) : session.bridgeEntities[spec.flag ?? 0];
    return this.startBridge(session, kept, { id: NEW_DEST_ID, uri }, provMedia, {});
  }

  /** API `bridge(key, new_uri, …, entity_no)` (§2.6): in the initial call it retries the callee instead. */
  apiBridge(key: string, target: ClientDeclaration, entityNo: 0 | 1, flags?: BridgeFlags): LogicOutcome {
    const session = this.internals.find(key);
    if (session === undefined) return NOT_FOUND;
    const running = this.internals.scripted(session)?.procedure;
    if (running !== undefined && running.kind === 'initial') {
      const called = session.clients.filter((leg) => !leg.ended);
      if (!running.retry(target)) return INTERNAL;
      // The callee still ringing is given up for the new one (a rejected one has ended already).
      for (const leg of called) if (!leg.ended) endParty(leg);
      return { ok: true, key: session.key };
    }
    return this.startBridge(session, session.bridgeEntities[entityNo], target, undefined, flags ?? {});
  }

  /** API bridge_2calls (§2.6): session 2's live party moves into session 1 in place of its party [1]. */
  bridgeTwoCalls(key1: string, key2: string): LogicOutcome {
    const { internals } = this;
    const s1 = internals.find(key1);
    const s2 = internals.find(key2);
    if (s1 === undefined || s2 === undefined) return NOT_FOUND;
    const h1 = internals.scripted(s1);
    const h2 = internals.scripted(s2);
    if (s1 === s2 || h1 === undefined || h2 === undefined || h1.procedure !== undefined || h2.procedure !== undefined) return INTERNAL;
    const kept = s1.bridgeEntities[0];
    const live = [s2.bridgeEntities[0], s2.bridgeEntities[1], ...s2.servers, ...s2.clients]
      .find((leg) => leg !== undefined && !leg.ended && !leg.disconnected && leg.entity.state === 'confirmed');
    if (kept === undefined || kept.ended || kept.entity.state !== 'confirmed' || live === undefined) return INTERNAL;
    const replaced = s1.bridgeEntities[1];
    if (replaced !== undefined && replaced !== kept) endParty(replaced);
    detach(kept);
    const livePeer = partnerOf(live);
    if (livePeer !== undefined) endParty(livePeer);
    detach(live);
    const moved = internals.moveLeg(live, s1);
    // Session 2 has nothing left worth keeping.
    if (!s2.destroyed) internals.services.endAllLegs(s2);
    internals.services.setLifetime(s1, maxDurationMs(internals.services.config));
    return this.run(h1, (host) => internals.procedures.twoCalls(host, { kept, moved })) ? { ok: true, key: s1.key } : INTERNAL;
  }

  /** `$b2b_logic.peer(dialog)` (§2.3). */
  peer(dialog: string): string | undefined {
    const session = this.internals.find(dialog);
    const leg = session === undefined ? undefined : legByDialog(session, dialog);
    const other = leg === undefined ? undefined : partnerOf(leg);
    return other === undefined || other.ended ? undefined : dialogIdOf(other);
  }

  registerCallbacks(key: string, callbacks: SessionCallbacks): boolean {
    const session = this.internals.find(key);
    if (session === undefined) return false;
    session.callbacks = callbacks;
    return true;
  }

  stats(key: string): SessionStats | undefined {
    const session = this.internals.find(key);
    return session === undefined ? undefined : statsOf(session, this.internals.services.clock.nowMs());
  }

  entityInfo(key: string, index: 0 | 1): EntityRef | undefined {
    const leg = this.internals.find(key)?.bridgeEntities[index];
    return leg === undefined ? undefined : entityRef(leg);
  }

  // ---- helpers ----

  /** MI / API bridge: the kept party (confirmed, §2.4) to a new client; its old peer is BYE'd now. */
  private startBridge(session: Session, kept: Leg | undefined, target: ClientDeclaration, provMedia: ClientDeclaration | undefined, flags: BridgeFlags): LogicOutcome {
    const { services } = this.internals;
    const handle = this.internals.scripted(session);
    if (handle === undefined) {
      services.logger.error({ key: session.key }, 'b2b bridge: a top hiding session cannot be bridged');
      return INTERNAL;
    }
    if (kept === undefined || kept.ended || kept.disconnected || kept.entity.state !== 'confirmed' || handle.procedure !== undefined || session.state === 'cancel') {
      services.logger.error({ key: session.key, kept: kept?.id }, 'b2b bridge: can not bridge requested entity');
      return INTERNAL;
    }
    const started = this.run(handle, (host) => this.internals.procedures.bridge(host, {
      kept, target, flags, oldPeer: 'bye-now', ...(provMedia === undefined ? {} : { provMedia }),
    }));
    return started ? { ok: true, key: session.key } : INTERNAL;
  }

  private run(handle: ScriptedHandle, make: (host: ProcedureHost) => MediaProcedure): boolean {
    try {
      handle.run(make);
      return true;
    } catch (error) {
      this.internals.services.logger.error({ key: handle.session.key, error: String(error) }, 'b2b procedure did not start');
      if (!handle.session.destroyed) this.internals.services.endAllLegs(handle.session);
      return false;
    }
  }

  private legByEntityKey(entityKey: string): Leg | undefined {
    const entity = this.internals.services.entities.find(entityKey);
    const session = entity?.logicKey === undefined ? undefined : this.internals.find(entity.logicKey);
    if (session === undefined) return undefined;
    return [...session.servers, ...session.clients].find((leg) => leg.entity === entity && !leg.ended);
  }

  /** A final answer on the INVITE's transaction when no entity took it over (§8.2.6.2: with a To-tag). */
  private refuse(tx: ServerTransaction, status: number, reason: string): InitResult {
    if (tx.lastResponse === undefined || tx.lastResponse.status < 200) {
      tx.respond(buildResponse(tx.request, status, { reason, toTag: this.internals.services.random.token(10) }));
    }
    return { ok: false, status, reason };
  }
}
