/**
 * What a call remembers of the INVITE dialog it started, so that a failed call can clean up the
 * peer like SIPp's abortCall: CANCEL a pending INVITE (RFC 3261 §9.1), ACK a non-2xx final
 * (§17.1.1.3), or ACK if still owed (§13.2.2.4) and BYE an answered one (§15.1.1).
 */
import type { SipMessage, SipRequest, SipResponse } from '../../engine/sip';
import { parseMessage } from '../../engine/sip';
import { ackFor2xx, ackForNon2xx, byeFor, cancelFor, type LocalAddress } from './cleanup-messages';

export class DialogMemory {
  /** Our last INVITE as sent, parsed only when a cleanup needs it (the send path stays parse-free). */
  private inviteText: string | undefined;
  private inviteSeq = -1;
  private response: SipResponse | undefined;
  private acked = false;
  private byeSent = false;

  /** Looks at what the call sent (only INVITE, ACK and BYE matter). */
  noteSent(text: string): void {
    const c = text.charCodeAt(0);
    // I(NVITE), A(CK), B(YE): skip everything else cheaply, this runs on every send.
    if (c !== 73 && c !== 65 && c !== 66) return;
    const method = text.slice(0, text.indexOf(' '));
    if (method !== 'INVITE' && method !== 'ACK' && method !== 'BYE') return;
    if (method === 'INVITE') {
      this.inviteText = text;
      this.inviteSeq = Number(/\r\n(?:CSeq|cseq|CSEQ)[ \t]*:[ \t]*(\d+)/.exec(text)?.[1] ?? -1);
      this.response = undefined;
      this.acked = false;
    } else if (method === 'ACK') this.acked = true;
    else this.byeSent = true;
  }

  noteReceived(msg: SipMessage): void {
    if (msg.kind === 'response' && msg.cseq.method === 'INVITE' && this.inviteText !== undefined && msg.cseq.seq === this.inviteSeq) {
      this.response = msg;
    }
  }

  /** The messages to send toward the peer, in order (none when we started no INVITE or already said BYE). */
  cleanup(local: LocalAddress, branchPrefix: string, cseq: number): string[] {
    if (this.inviteText === undefined || this.byeSent) return [];
    const parsed = parseMessage(this.inviteText);
    if (!parsed.ok || parsed.message.kind !== 'request') return [];
    const invite: SipRequest = parsed.message;
    const response = this.response;
    if (response === undefined || response.status < 200) return [cancelFor(invite)];
    if (response.status >= 300) return this.acked ? [] : [ackForNon2xx(invite, response)];
    const out: string[] = [];
    if (!this.acked) out.push(ackFor2xx(invite, response, local, `${branchPrefix}-ack`));
    out.push(byeFor(invite, response, local, `${branchPrefix}-bye`, Math.max(cseq, invite.cseq.seq) + 1));
    return out;
  }
}
