/** serializeMessage: a message to wire bytes (RFC 3261 §7; §18.3 / §20.14 Content-Length always written and recomputed). */
import type { SipMessage } from './message';
import { MessageBase } from './message-base';

/**
 * Start line, header lines in order as `Name: value` (names as stored, compact stays compact), one
 * Content-Length with the body's length (added if absent, extra ones dropped), empty line, body.
 * The result is cached on the message (messages are immutable): callers must not modify it.
 */
export function serializeMessage(msg: SipMessage): Uint8Array {
  if (msg instanceof MessageBase && msg.wire !== undefined) return msg.wire;
  const bytes = encode(msg);
  if (msg instanceof MessageBase) msg.wire = bytes;
  return bytes;
}

function encode(msg: SipMessage): Buffer {
  const body = msg.body;
  let text = msg.kind === 'request' ? `${msg.method} ${msg.uriText} SIP/2.0\r\n` : `SIP/2.0 ${msg.status} ${msg.reason}\r\n`;
  let wroteLength = false;
  for (const h of msg.headers) {
    if (h.key === 'content-length') {
      if (wroteLength) continue;
      wroteLength = true;
      text += `${h.name}: ${body.length}\r\n`;
    } else {
      text += `${h.name}: ${h.value}\r\n`;
    }
  }
  if (!wroteLength) text += `Content-Length: ${body.length}\r\n`;
  text += '\r\n';
  if (body.length === 0) return Buffer.from(text, 'utf8');
  const headLength = Buffer.byteLength(text, 'utf8');
  const out = Buffer.allocUnsafe(headLength + body.length);
  out.write(text, 0, 'utf8');
  out.set(body, headLength);
  return out;
}
