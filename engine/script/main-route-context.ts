/**
 * One run of the main request route for one initial request: the `b2b` verbs of opensips-b2b.md §2.1
 * "M" (`b2b_init_request`, `b2b_server_new`, `b2b_client_new`, `b2b_bridge_request`, `b2b_trigger_scenario`),
 * `$du`, `force_send_socket`, `append_branch`, and a transaction reply.
 */
import { createResponse } from '../sip/build-response';
import type { SipRequest } from '../sip/message';
import type { Uri } from '../sip/types';
import { literalNextHop } from '../dialog/next-hop';
import { parseListenSpec } from '../config/listen-spec';
import { isIpLiteral, sameHost } from '../transport/address';
import type { Destination } from '../transport/transport-layer';
import type { ServerTransaction } from '../transaction/transaction-types';
import type { CallTarget, InitResult, InitRequestSpec, LogicOutcome } from '../b2b/logic/logic-types';
import type { ClientDeclaration, ServerDeclaration } from '../b2b/logic/scripted-types';
import { parseBridgeRequestFlags } from './bridge-flags';
import { MapCtxStore } from './ctx-store';
import { clientDeclaration, serverDeclaration } from './declarations';
import { EditableRequest, scriptUri } from './editable-message';
import { checkInitFlags, parseInitFlags } from './init-flags';
import { logicRoutes } from './logic-routes';
import { logicCall, MAX_NEW_ENTITIES, RouteVerbs, type RouteKind } from './route-verbs';
import type { ScriptEnv } from './script-env';
import { ScriptError } from './script-error';
import type {
  ClientNewOptions, InitFlagsInput, MainRouteB2b, RequestSource, ScriptReplyOptions, ServerNewOptions, SessionRouteInput, TriggerPeer,
} from './script-types';
import { triggerSpec } from './trigger-scenario';

const TOP_HIDING = 'top hiding';

const encoder = new TextEncoder();

export class MainRouteRun extends RouteVerbs implements MainRouteB2b {
  protected readonly route: RouteKind = 'main';
  readonly msg: EditableRequest;
  private server: ServerDeclaration | undefined;
  private readonly clients: ClientDeclaration[] = [];
  private sessionKey: string | undefined;
  private sessionScenario: string | undefined;
  private destination: Destination | undefined;
  private forcedProtocol: Destination['protocol'] | undefined;
  private readonly branches: Uri[] = [];
  private done = false;

  constructor(env: ScriptEnv, readonly request: SipRequest, readonly tx: ServerTransaction) {
    super(env, env.logger.child({ callId: request.callId }), new MapCtxStore());
    this.msg = new EditableRequest(request);
  }

  get key(): string | undefined { return this.sessionKey; }
  get scenario(): string | undefined { return this.sessionScenario ?? this.session()?.scenario; }
  get decided(): boolean { return this.done; }

  get source(): RequestSource {
    const c = this.tx.context;
    return { protocol: c.protocol, host: c.source.host, port: c.source.port, local: c.local };
  }

  /** Whether the transaction still takes a final response (a CANCEL may have answered it while an async route ran). */
  get open(): boolean {
    const last = this.tx.lastResponse;
    return (this.tx.state === 'Proceeding' || this.tx.state === 'Trying') && (last === undefined || last.status < 200);
  }

  protected currentEntityKey(): string | undefined {
    const session = this.session();
    // Before any bridge the caller's server entity is the one this request created (matched by Call-ID, §2.3).
    return session?.servers.find((s) => this.env.entities.find(s.key)?.callId === this.request.callId)?.key;
  }

  override initRequest(scenario: string, flags?: InitFlagsInput, routes?: SessionRouteInput): InitResult {
    if (typeof scenario !== 'string' || scenario === '') throw new ScriptError('bad-argument', 'initRequest: scenario must be a non-empty string');
    const parsedFlags = typeof flags === 'string' ? parseInitFlags(flags) : checkInitFlags(flags ?? {});
    let wrapped = logicRoutes(this.env, routes, 'initRequest');
    if (scenario === TOP_HIDING && wrapped !== undefined) {
      // §1.2: top hiding never enters the b2b_logic routes.
      this.log.warn({ file: this.env.scriptFile }, 'initRequest("top hiding"): the routes given are ignored (top hiding relays everything itself)');
      wrapped = undefined;
    }
    // §2.7: "top hiding" needs no declarations and ignores them.
    const declared = scenario === TOP_HIDING ? {} : this.declarations(scenario);
    this.decide('initRequest');
    if (!this.open) return { ok: false, status: 487, reason: 'Request Terminated' };
    const targets: CallTarget[] = [this.target(this.msg.uri, this.destination), ...this.branches.map((uri) => this.target(uri, undefined))];
    const from = this.env.fromSpecParam === undefined ? undefined : this.ctx.get(this.env.fromSpecParam);
    const spec: InitRequestSpec = {
      scenario, flags: parsedFlags, targets, request: this.msg.sip, ...declared,
      ...(this.ctx.size > 0 ? { ctx: this.ctx.snapshot() } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(wrapped !== undefined ? { routes: wrapped } : {}),
    };
    const result = logicCall('initRequest', () => this.env.logic.initRequest(this.tx, spec, this.tx.context));
    if (result.ok) this.joined(result.key, scenario);
    return result;
  }

  override serverNew(id: string, options: ServerNewOptions = {}): void {
    if (this.server !== undefined) throw new ScriptError('too-many-entities', `serverNew: a server entity ("${this.server.id}") is already declared for this request`);
    this.countNew('serverNew');
    this.server = serverDeclaration(id, options);
  }

  override clientNew(id: string, uri: string, options: ClientNewOptions = {}): void {
    this.countNew('clientNew');
    const declaration = clientDeclaration(id, uri, options, 'clientNew');
    if (this.server?.id === declaration.id || this.clients.some((c) => c.id === declaration.id)) {
      throw new ScriptError('bad-argument', `clientNew: entity id "${declaration.id}" is already declared for this request`);
    }
    this.clients.push(declaration);
  }

  override bridgeRequest(key: string, entityNo: 0 | 1, options: { readonly contact?: string; readonly flags?: string } = {}): InitResult {
    if (typeof key !== 'string' || key.trim() === '') throw new ScriptError('bad-argument', 'bridgeRequest: key must be a session key or "callid;from-tag;to-tag"');
    if (entityNo !== 0 && entityNo !== 1) throw new ScriptError('bad-argument', `bridgeRequest: entityNo must be 0 or 1, got ${String(entityNo)}`);
    const { lateBye } = parseBridgeRequestFlags(options.flags);
    if (options.contact !== undefined) scriptUri(options.contact, 'bridgeRequest contact');
    this.decide('bridgeRequest');
    if (!this.open) return { ok: false, status: 487, reason: 'Request Terminated' };
    const result = logicCall('bridgeRequest', () => this.env.logic.bridgeRequest(this.tx, {
      key: key.trim(), entityNo, request: this.msg.sip,
      ...(options.contact !== undefined ? { contact: options.contact.trim() } : {}),
      ...(lateBye ? { lateBye } : {}),
      ...(this.ctx.size > 0 ? { ctx: this.ctx.snapshot() } : {}),
    }, this.tx.context));
    if (result.ok) this.joined(result.key, undefined);
    return result;
  }

  override triggerScenario(scenario: string, params: string, first: TriggerPeer, second: TriggerPeer): LogicOutcome {
    // The current request has no entity: only `n,key,party` can ask for NOTIFYs from here.
    const spec = triggerSpec(scenario, params, first, second, undefined, this.ctx.size > 0 ? this.ctx.snapshot() : undefined);
    return logicCall('triggerScenario', () => this.env.logic.triggerScenario(spec));
  }

  override reply(status: number, reason?: string, options: ScriptReplyOptions = {}): void {
    if (!Number.isInteger(status) || status < 100 || status > 699) throw new ScriptError('bad-status', `reply status must be 100..699, got ${status}`);
    if (status >= 200) this.decide('reply');
    this.respond(status, reason, options);
  }

  override setDestination(uri: string): void {
    const parsed = scriptUri(uri, 'setDestination');
    const destination = literalNextHop(parsed);
    if (destination === undefined || !isIpLiteral(destination.address.host)) throw new ScriptError('bad-uri', `setDestination: "${uri}" must be a sip: URI with an IP address (no DNS yet)`);
    this.destination = destination;
  }

  override forceSendSocket(spec: string): void {
    const parsed = parseListenSpec(spec);
    if (!parsed.ok) throw new ScriptError('bad-socket', `forceSendSocket: ${parsed.reason}`);
    const match = this.env.listen.find((p) => p.protocol === parsed.spec.protocol && p.local.port === parsed.spec.port
      && (sameHost(p.local.host, parsed.spec.host) || sameHost(p.advertised.host, parsed.spec.host)));
    if (match === undefined) throw new ScriptError('bad-socket', `forceSendSocket: "${spec}" is not one of the engine's listen sockets`);
    this.forcedProtocol = match.protocol;
  }

  override appendBranch(uri: string): void {
    this.branches.push(scriptUri(uri, 'appendBranch'));
  }

  /** Answers with `status` when the route neither started a call nor replied (or threw), if the transaction still takes it. */
  fallback(status: number, reason: string): boolean {
    if (this.sessionKey !== undefined || !this.open) return false;
    this.respond(status, reason, {});
    return true;
  }

  private respond(status: number, reason: string | undefined, options: ScriptReplyOptions): void {
    if (!this.open) {
      this.log.warn({ status }, 'script reply dropped: the request was already answered');
      return;
    }
    const headers = options.headers === undefined ? [] : Array.isArray(options.headers) ? options.headers : Object.entries(options.headers);
    const body = typeof options.body === 'string' ? encoder.encode(options.body) : options.body;
    const response = createResponse(this.request, status, reason, {
      toTag: this.request.toTag === undefined ? this.env.random.token(10) : undefined,
      headers: headers as ReadonlyArray<readonly [string, string]>,
      ...(body !== undefined ? { body } : {}),
      ...(options.contentType !== undefined ? { contentType: options.contentType } : body !== undefined && body.length > 0 ? { contentType: 'text/plain' } : {}),
    });
    this.tx.respond(response);
  }

  private target(uri: Uri, destination: Destination | undefined): CallTarget {
    let dest = destination;
    if (this.forcedProtocol !== undefined) {
      const base = dest ?? literalNextHop(uri);
      if (base !== undefined) dest = { protocol: this.forcedProtocol, address: base.address };
    }
    return dest === undefined ? { uri } : { uri, destination: dest };
  }

  /** The session this request now belongs to: `key` and `ctx` follow it. */
  private joined(key: string, scenario: string | undefined): void {
    this.sessionKey = key;
    this.sessionScenario = scenario;
    const map = this.env.logic.ctx(key);
    if (map !== undefined) this.ctx.rebind(map);
  }

  private declarations(scenario: string): Pick<InitRequestSpec, 'server' | 'clients'> {
    // §2.1: a scripted session starts from one server entity (default id "caller") and one client.
    if (this.clients.length !== 1) {
      throw new ScriptError('no-new-client', `initRequest("${scenario}"): declare exactly one client with b2b.clientNew first (declared: ${this.clients.length})`);
    }
    return { server: this.server ?? { id: 'caller' }, clients: [...this.clients] };
  }

  private countNew(verb: string): void {
    const count = (this.server === undefined ? 0 : 1) + this.clients.length;
    if (count >= MAX_NEW_ENTITIES) throw new ScriptError('too-many-entities', `${verb}: at most ${MAX_NEW_ENTITIES} new entities per message`);
  }

  private decide(verb: string): void {
    if (this.done) throw new ScriptError('already-decided', `${verb}: this request was already handled by initRequest or reply`);
    this.done = true;
  }
}
