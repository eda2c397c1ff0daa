/**
 * One run of the main request route for one initial request: the `b2b` verbs of opensips-b2b.md §2.1
 * (`b2b_init_request`), `$du`, `force_send_socket`, `append_branch`, and a transaction reply.
 */
import { createResponse } from '../sip/build-response';
import type { SipRequest } from '../sip/message';
import type { Uri } from '../sip/types';
import { literalNextHop } from '../dialog/next-hop';
import { parseListenSpec } from '../config/listen-spec';
import { isIpLiteral, sameHost } from '../transport/address';
import type { Destination } from '../transport/transport-layer';
import type { ServerTransaction } from '../transaction/transaction-types';
import type { CallTarget, InitResult, InitRequestSpec } from '../b2b/logic/logic-types';
import { MapCtxStore } from './ctx-store';
import { EditableRequest, scriptUri } from './editable-message';
import { checkInitFlags, parseInitFlags } from './init-flags';
import { RouteVariables } from './route-variables';
import type { ScriptEnv } from './script-env';
import { ScriptError } from './script-error';
import type { InitFlagsInput, MainRouteB2b, RequestSource, ScriptReplyOptions } from './script-types';

const encoder = new TextEncoder();

export class MainRouteRun extends RouteVariables implements MainRouteB2b {
  readonly msg: EditableRequest;
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
  get scenario(): string | undefined { return this.sessionScenario; }
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

  initRequest(scenario: string, flags?: InitFlagsInput): InitResult {
    this.decide('initRequest');
    const parsedFlags = typeof flags === 'string' ? parseInitFlags(flags) : checkInitFlags(flags ?? {});
    if (!this.open) return { ok: false, status: 487, reason: 'Request Terminated' };
    const targets: CallTarget[] = [this.target(this.msg.uri, this.destination), ...this.branches.map((uri) => this.target(uri, undefined))];
    const from = this.env.fromSpecParam === undefined ? undefined : this.ctx.get(this.env.fromSpecParam);
    const spec: InitRequestSpec = {
      scenario, flags: parsedFlags, targets, request: this.msg.sip,
      ...(this.ctx.size > 0 ? { ctx: this.ctx.snapshot() } : {}),
      ...(from !== undefined ? { from } : {}),
    };
    const result = this.env.logic.initRequest(this.tx, spec, this.tx.context);
    if (result.ok) {
      this.sessionKey = result.key;
      this.sessionScenario = scenario;
      const map = this.env.logic.ctx(result.key);
      if (map !== undefined) this.ctx.rebind(map);
    }
    return result;
  }

  reply(status: number, reason?: string, options: ScriptReplyOptions = {}): void {
    if (!Number.isInteger(status) || status < 100 || status > 699) throw new ScriptError('bad-status', `reply status must be 100..699, got ${status}`);
    if (status >= 200) this.decide('reply');
    this.respond(status, reason, options);
  }

  setDestination(uri: string): void {
    const parsed = scriptUri(uri, 'setDestination');
    const destination = literalNextHop(parsed);
    if (destination === undefined || !isIpLiteral(destination.address.host)) throw new ScriptError('bad-uri', `setDestination: "${uri}" must be a sip: URI with an IP address (no DNS yet)`);
    this.destination = destination;
  }

  forceSendSocket(spec: string): void {
    const parsed = parseListenSpec(spec);
    if (!parsed.ok) throw new ScriptError('bad-socket', `forceSendSocket: ${parsed.reason}`);
    const match = this.env.listen.find((p) => p.protocol === parsed.spec.protocol && p.local.port === parsed.spec.port
      && (sameHost(p.local.host, parsed.spec.host) || sameHost(p.advertised.host, parsed.spec.host)));
    if (match === undefined) throw new ScriptError('bad-socket', `forceSendSocket: "${spec}" is not one of the engine's listen sockets`);
    this.forcedProtocol = match.protocol;
  }

  appendBranch(uri: string): void {
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

  private decide(verb: string): void {
    if (this.done) throw new ScriptError('already-decided', `${verb}: this request was already handled by initRequest or reply`);
    this.done = true;
  }
}
