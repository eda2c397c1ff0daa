/** Test support: a REFER-driven transfer session (opensips-b2b.md §6.5) in the simulator, with parties that log their wire. */
import { parseUri } from '../../engine/sip';
import type { BridgeFlags, ClientDeclaration, LogicRoutes } from '../../engine/b2b/logic/scripted-types';
import type { World } from '../../simulator';
import { leftovers, newWorld, type SimUa } from '../dialog/sim-ua';
import type { LinkSpec, SimHost } from '../../simulator';
import { addB2b, b2bLeftovers, calleeAt, viaB2b, type SimB2b } from './sim-b2b';
import type { BodyPart } from '../../engine/dialog/request-factory';
import { addParty, watchSession, type Party, type PartyPlan } from './starters-support';

export interface TransferOptions {
  readonly flags?: BridgeFlags;
  readonly referee?: PartyPlan;
  readonly provMedia?: boolean;
  readonly media?: PartyPlan;
  /** On a >=300 from the referee: `bridgeRetry` to a client at this party ("failure"). */
  readonly retry?: boolean;
  readonly maxDurationS?: number;
  /** Link faults for every host (loss, duplication, reordering). */
  readonly link?: Partial<LinkSpec>;
}

export interface TransferWorld {
  readonly world: World;
  readonly log: string[];
  readonly b2b: SimHost<SimB2b>;
  readonly caller: BridgeParty;
  readonly callee: BridgeParty;
  readonly referee: BridgeParty;
  readonly media: BridgeParty;
  readonly failure: BridgeParty;
  /** The callee REFERs the caller to the referee (the script runs the bridge). */
  refer(from?: 'callee' | 'caller'): void;
  nothingLeft(): string[];
}

const REFEREE_URI = 'sip:x@10.0.0.7:5060';
const encoder = new TextEncoder();

/** A party's SDP: one audio stream (so `hold` has something to make inactive); `s=` names the party. */
export function partySdp(name: string): BodyPart {
  return { body: encoder.encode(`v=0\r\no=${name} 1 1 IN IP4 10.0.0.1\r\ns=${name}\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n`), contentType: 'application/sdp' };
}

/** A transfer party: a starters-support party with the audio SDP `hold` needs. */
export type BridgeParty = Party;

function addBridgeParty(world: World, name: string, address: string, plan: PartyPlan, log: string[]): SimHost<SimUa> & { readonly party: BridgeParty } {
  return addParty(world, name, address, plan, log, partySdp(name));
}

/** The script of §6.5: REFER → 202, endDlgLeg unless notify, clientNew("referee", Refer-To), bridge("peer", "referee"). */
function transferRoutes(options: TransferOptions): LogicRoutes {
  const notify = options.flags?.notify === true;
  const provMedia: ClientDeclaration | undefined = options.provMedia === true ? { id: 'media', uri: parseUri('sip:ringing@10.0.0.8:5060')! } : undefined;
  return {
    request(ctx) {
      if (ctx.request.method !== 'REFER') {
        ctx.passRequest();
        return;
      }
      const referTo = (ctx.request.header('refer-to') ?? '').replace(/^<|>$/g, '');
      ctx.sendReply(202, 'Accepted');
      if (!notify) ctx.endDlgLeg();
      ctx.clientNew({ id: 'referee', uri: parseUri(referTo)!, headers: [['X-Transfer', 'yes']] });
      ctx.bridge('peer', 'referee', { flags: options.flags ?? {}, ...(provMedia === undefined ? {} : { provMedia }) });
    },
    reply(ctx) {
      if (options.retry === true && ctx.method === 'INVITE' && ctx.reply.status >= 300 && ctx.entity.id === 'referee') {
        ctx.clientNew({ id: 'failure', uri: parseUri('sip:sorry@10.0.0.6:5060')! });
        ctx.bridgeRetry('failure');
        return;
      }
      ctx.handleReply();
    },
  };
}

export function transferWorld(seed: number, options: TransferOptions = {}): TransferWorld {
  const world = newWorld(seed, options.link);
  const log: string[] = [];
  const routes = transferRoutes(options);
  const b2b = addB2b(world, { maxDurationS: options.maxDurationS ?? 3600 }, {
    delegate: (stack) => ({
      onInitialRequest: (request, tx) => {
        stack.logic.initRequest(tx, {
          scenario: 'transfer', flags: {}, targets: [{ uri: request.uri }], request,
          server: { id: 'caller' }, clients: [{ id: 'callee', uri: request.uri }], routes,
        }, tx.context);
      },
    }),
  });
  const caller = addBridgeParty(world, 'caller', '10.0.0.1', 'answer', log);
  const callee = addBridgeParty(world, 'callee', '10.0.0.2', 'answer', log);
  const referee = addBridgeParty(world, 'referee', '10.0.0.7', options.referee ?? 'answer', log);
  const media = addBridgeParty(world, 'media', '10.0.0.8', options.media ?? 'answer', log);
  const failure = addBridgeParty(world, 'failure', '10.0.0.6', 'answer', log);
  const hosts: Array<SimHost<SimUa>> = [caller, callee, referee, media, failure];
  caller.app.stack.core.invite({ to: calleeAt('10.0.0.2'), destination: viaB2b(), body: partySdp('caller') }, {
    onAccepted: (session) => watchSession(caller.party, session, partySdp('caller')),
  });
  world.runSync({ until: () => callee.party.wire.includes('ACK empty') && caller.party.session !== undefined });
  return {
    world, log, b2b, caller: caller.party, callee: callee.party, referee: referee.party, media: media.party, failure: failure.party,
    refer(from = 'callee') {
      const party = from === 'callee' ? callee.party : caller.party;
      party.session!.request('REFER', { headers: [['Refer-To', `<${REFEREE_URI}>`]] });
    },
    nothingLeft: () => [...hosts.flatMap((h) => leftovers(h.app)), ...b2bLeftovers(b2b.app)],
  };
}

/** The sipfrag status lines of the NOTIFYs a party received. */
export function notifyLines(party: Party): string[] {
  const decoder = new TextDecoder();
  return party.requests.filter((r) => r.method === 'NOTIFY').map((r) => decoder.decode(r.body).trim());
}
