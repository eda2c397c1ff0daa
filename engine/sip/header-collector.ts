/** Gathers, while the parser walks header lines, the values it validates eagerly (RFC 3261 §8.1.1 mandatory headers, §20.14 Content-Length). */
import type { RawHeader } from './types';
import type { ReplyContext } from './parse-error';
import { parseCSeq } from './cseq';
import { splitHeaderList } from './split-header-list';
import { parseVia } from './via';

export class HeaderCollector {
  readonly vias: string[] = [];
  from: string | undefined;
  to: string | undefined;
  callId: string | undefined;
  cseq: string | undefined;
  contentLength: string | undefined;
  fromCount = 0;
  toCount = 0;
  callIdCount = 0;
  cseqCount = 0;
  contentLengthCount = 0;
  contentLengthConflict = false;

  add(key: string, value: string): void {
    switch (key) {
      case 'via': this.vias.push(value); break;
      case 'from': this.from = this.from ?? value; this.fromCount++; break;
      case 'to': this.to = this.to ?? value; this.toCount++; break;
      case 'call-id': this.callId = this.callId ?? value; this.callIdCount++; break;
      case 'cseq': this.cseq = this.cseq ?? value; this.cseqCount++; break;
      case 'content-length':
        if (this.contentLength !== undefined && this.contentLength !== value) this.contentLengthConflict = true;
        this.contentLength = this.contentLength ?? value;
        this.contentLengthCount++;
        break;
      default:
        break;
    }
  }

  static of(headers: readonly RawHeader[]): HeaderCollector {
    const c = new HeaderCollector();
    for (const h of headers) c.add(h.key, h.value);
    return c;
  }

  /**
   * What a 400 can copy: all five mandatory lines present, or (RFC 4475 §3.3.1 insuf) a parseable top
   * Via and CSeq, which are enough to send the response and match it to the transaction (§8.2.6, §17.1.3).
   */
  replyContext(): ReplyContext | undefined {
    const { from, to, callId, cseq } = this;
    const topVia = this.vias[0];
    if (topVia === undefined || cseq === undefined) return undefined;
    if (from === undefined || to === undefined || callId === undefined) {
      const viaText = splitHeaderList(topVia)[0];
      if (viaText === undefined || parseVia(viaText) === undefined || parseCSeq(cseq) === undefined) return undefined;
    }
    const ctx: { -readonly [K in keyof ReplyContext]: ReplyContext[K] } = { vias: this.vias.slice(), cseq };
    if (from !== undefined) ctx.from = from;
    if (to !== undefined) ctx.to = to;
    if (callId !== undefined) ctx.callId = callId;
    return ctx;
  }
}
