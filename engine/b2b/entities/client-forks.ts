/**
 * Forking downstream of a client entity (RFC 3261 §12.1.2, §13.2.2.4; opensips-b2b.md §1.6): one early
 * dialog per To-tag, the first 2xx wins, and a 2xx of any other fork (or after the entity ended) is
 * ACKed and sent BYE by the layer itself, its retransmissions answered with the same ACK.
 */
import { createRequest } from '../../sip';
import type { SipRequest, SipResponse } from '../../sip/message';
import { formatNameAddr } from '../../sip';
import type { Dialog } from '../../dialog/dialog';
import { createUacDialog } from '../../dialog/dialog-create';
import { buildInDialogRequest } from '../../dialog/in-dialog-request';
import { placeholderVia, requestFromParts } from '../../dialog/request-factory';
import { ReliableProvisionalTracker } from '../../dialog/reliable-provisionals';
import type { Destination } from '../../transport/transport-layer';
import { ignoringUser, type EntityServices } from './entity-services';
import { withoutContentType } from './entity-records';
import type { ClientSpec } from './entity-types';

export interface Fork {
  readonly dialog: Dialog;
  /** RFC 3262 §4: the RSeq order of this fork's reliable provisionals. */
  readonly tracker: ReliableProvisionalTracker;
}

export class ClientForks {
  private readonly forks = new Map<string, Fork>();
  /** Forks we ACKed and sent BYE: their 2xx retransmissions get the same ACK (§13.2.2.4). */
  private readonly killed = new Map<string, { readonly ack: SipRequest; readonly destination: Destination }>();
  winner: Fork | undefined;

  constructor(private readonly services: EntityServices, private readonly localContact: string) {}

  get size(): number {
    return this.forks.size;
  }

  byTag(tag: string | undefined): Fork | undefined {
    return tag === undefined ? undefined : this.forks.get(tag);
  }

  /** The fork a tagged 1xx/2xx belongs to, created on its first response (§12.1.2). */
  forkFor(invite: SipRequest, response: SipResponse): Fork | undefined {
    const tag = response.toTag;
    if (tag === undefined) return undefined;
    const existing = this.forks.get(tag);
    if (existing !== undefined) return existing;
    const dialog = createUacDialog(invite, response, { localContact: this.localContact });
    if (dialog === undefined) return undefined;
    const fork: Fork = { dialog, tracker: new ReliableProvisionalTracker() };
    this.forks.set(tag, fork);
    return fork;
  }

  /** The first 2xx won: the other early dialogs are gone (their late 2xx gets ACK + BYE). */
  confirm(winner: Fork): void {
    this.winner = winner;
    for (const [tag, fork] of this.forks) {
      if (fork === winner) continue;
      fork.dialog.terminate('forked-loser');
      this.forks.delete(tag);
    }
  }

  /** Every early dialog ends (the INVITE failed or the entity ended). */
  clear(): void {
    for (const fork of this.forks.values()) if (fork !== this.winner) fork.dialog.terminate('local-end');
  }

  /** §13.2.2.4: a 2xx we do not want is ACKed, then the dialog it made is ended with BYE. */
  ackAndBye(invite: SipRequest, response: SipResponse): void {
    const tag = response.toTag;
    if (tag === undefined) return;
    const killed = this.killed.get(tag);
    if (killed !== undefined) {
      this.services.transactions.sendAck(killed.ack, killed.destination);
      return;
    }
    const dialog = createUacDialog(invite, response, { localContact: this.localContact });
    if (dialog === undefined) return;
    const { random, resolve, transactions } = this.services;
    const ackParts = buildInDialogRequest(dialog, 'ACK', random, { cseq: response.cseq.seq });
    const destination = resolve(ackParts.nextHop);
    if (destination === undefined) return;
    const ack = requestFromParts(ackParts, random);
    this.killed.set(tag, { ack, destination });
    transactions.sendAck(ack, destination);
    const byeParts = buildInDialogRequest(dialog, 'BYE', random);
    transactions.sendRequest(requestFromParts(byeParts, random), resolve(byeParts.nextHop) ?? destination, ignoringUser);
    dialog.terminate('forked-loser');
  }
}

/** The INVITE of a client entity (§8.1.1; §1.7: the logic chose every header, the layer adds tags, Call-ID, CSeq, Contact). */
export function buildClientInvite(spec: ClientSpec, callId: string, fromTag: string, cseq: number, services: EntityServices): SipRequest {
  const from = { ...spec.from, params: new Map([...spec.from.params].filter(([name]) => name !== 'tag')).set('tag', fromTag) };
  const headers: (readonly [string, string])[] = [
    ['Via', placeholderVia(services.random)],
    ['Max-Forwards', String(spec.maxForwards)],
    ['From', formatNameAddr(from)],
    ['To', formatNameAddr(spec.to)],
    ['Call-ID', callId],
    ['CSeq', `${cseq} INVITE`],
    ['Contact', spec.contact],
    ...(spec.body === undefined ? spec.headers ?? [] : withoutContentType(spec.headers ?? [])),
  ];
  if (spec.body !== undefined) headers.push(['Content-Type', spec.body.contentType]);
  return createRequest({ method: 'INVITE', uri: spec.requestUri, headers, body: spec.body?.body });
}
