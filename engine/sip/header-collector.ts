/** Gathers, while the parser walks header lines, the values it validates eagerly (RFC 3261 §8.1.1 mandatory headers, §20.14 Content-Length). */
import type { RawHeader } from './types';
import type { ReplyContext } from './parse-error';

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

  replyContext(): ReplyContext | undefined {
    const { from, to, callId, cseq } = this;
    if (this.vias.length === 0 || from === undefined || to === undefined || callId === undefined || cseq === undefined) return undefined;
    return { vias: this.vias.slice(), from, to, callId, cseq };
  }
}
