/**
 * RFC 3515 §2.4.4–2.4.5 NOTIFYs for a bridge started by a REFER (opensips-b2b.md §2.1 `notify`):
 * a message/sipfrag status line, `Event: refer;id=<REFER CSeq>`, active then terminated subscription.
 */
import type { SentRequest } from '../../entities/entity-types';
import type { Leg } from '../session';
import type { MediaProcedure, ProcedureHost } from '../scripted-types';

const encoder = new TextEncoder();

/** Sends the NOTIFY for `status` (`100 Trying` keeps the subscription active; a final status ends it). */
export function sendReferNotify(
  host: ProcedureHost, procedure: MediaProcedure, leg: Leg, status: number, reason: string, referCseq: number | undefined,
): SentRequest | undefined {
  if (leg.ended || leg.entity.state !== 'confirmed') return undefined;
  const final = status >= 200;
  const headers: Array<readonly [string, string]> = [
    ['Event', referCseq === undefined ? 'refer' : `refer;id=${referCseq}`],
    // RFC 3515 §2.4.7: the final NOTIFY terminates the implicit subscription.
    ['Subscription-State', final ? 'terminated;reason=noresource' : 'active;expires=60'],
  ];
  const body = { body: encoder.encode(`SIP/2.0 ${status} ${reason}\r\n`), contentType: 'message/sipfrag;version=2.0' };
  return host.send(procedure, leg, 'NOTIFY', { headers, body });
}
