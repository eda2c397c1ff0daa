/**
 * Late-SDP re-connection of two confirmed legs (opensips-b2b.md §1.4 late SDP, §6.5 15/16 rollback):
 * `first` gets a re-INVITE without SDP, its offer goes to `second` in a re-INVITE, and `second`'s answer
 * returns to `first` in the ACK (RFC 3264 offer/answer across two dialogs).
 */
import type { SendOptions, SentRequest, EntityReply } from '../../entities/entity-types';
import { bodyOf } from '../leg-headers';
import type { Leg } from '../session';

type ReofferPhase = 'first' | 'second' | 'done';

export type ReofferSend = (leg: Leg, method: string, options?: SendOptions) => SentRequest | undefined;

export class LateReoffer {
  private phase: ReofferPhase = 'first';

  constructor(
    private readonly send: ReofferSend,
    private readonly first: Leg,
    private readonly second: Leg,
    private readonly finish: (ok: boolean) => void,
  ) {}

  start(): void {
    this.phase = 'first';
    if (this.send(this.first, 'INVITE') === undefined && this.phase === 'first') this.end(false);
  }

  /** True when the reply belongs to the re-offer (consumed). */
  onReply(leg: Leg, reply: EntityReply, sent: SentRequest): boolean {
    if (sent.method !== 'INVITE' || (leg !== this.first && leg !== this.second)) return false;
    if (reply.status < 200 || this.phase === 'done') return true;
    if (this.phase === 'first' && leg === this.first) this.onFirst(reply);
    else if (this.phase === 'second' && leg === this.second) this.onSecond(reply);
    return true;
  }

  /** A leg of the re-offer ended before it finished. */
  onLegEnded(leg: Leg): boolean {
    if (leg !== this.first && leg !== this.second) return false;
    if (this.phase === 'done') return true;
    // `first` owes an ACK for its offer: it goes without an answer, the pairing is lost anyway.
    if (this.phase === 'second' && leg === this.second && !this.first.ended) this.first.entity.sendAck();
    this.end(false);
    return true;
  }

  private onFirst(reply: EntityReply): void {
    const offer = reply.response === undefined ? undefined : bodyOf(reply.response);
    if (reply.status >= 300 || offer === undefined) {
      if (reply.status < 300) this.first.entity.sendAck();
      this.end(false);
      return;
    }
    this.first.inSdp = offer;
    this.phase = 'second';
    this.second.outSdp = offer;
    if (this.send(this.second, 'INVITE', { body: offer }) === undefined && this.phase === 'second') {
      this.first.entity.sendAck();
      this.end(false);
    }
  }

  private onSecond(reply: EntityReply): void {
    if (reply.status >= 300) {
      this.first.entity.sendAck();
      this.end(false);
      return;
    }
    const answer = reply.response === undefined ? undefined : bodyOf(reply.response);
    if (answer !== undefined) {
      this.second.inSdp = answer;
      this.first.outSdp = answer;
    }
    this.second.entity.sendAck();
    this.first.entity.sendAck(answer === undefined ? {} : { body: answer });
    this.end(true);
  }

  private end(ok: boolean): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.finish(ok);
  }
}
