/** Fixtures for the SipTransportLayer tests: listen points, a layer over a fake transport, and SIP messages as text. */
import { silentLogger } from '../ports/logger';
import type { InboundPacket } from '../ports/transport';
import { parseMessage } from '../sip';
import type { SipMessage, SipRequest } from '../sip/message';
import type { ListenPoint } from './listen-point';
import { SipTransportLayer, type SipTransportLayerOptions } from './sip-transport-layer';
import { FakeTransport, RecordingUser, sipText } from './test-support';
import type { TransportLayerConfig } from './transport-config';

export const udpPoint: ListenPoint = { protocol: 'udp', local: { host: '192.0.2.10', port: 5060 }, advertised: { host: '192.0.2.10', port: 5060 } };
export const tcpPoint: ListenPoint = { protocol: 'tcp', local: { host: '192.0.2.10', port: 5060 }, advertised: { host: '192.0.2.10', port: 5060 } };
export const udp6Point: ListenPoint = { protocol: 'udp', local: { host: '2001:db8::10', port: 5062 }, advertised: { host: '2001:db8::10', port: 5062 } };

export function setup(listen: readonly ListenPoint[] = [udpPoint, tcpPoint], config?: Partial<TransportLayerConfig>) {
  const transport = new FakeTransport();
  const user = new RecordingUser();
  const options: SipTransportLayerOptions = { transport, listen, user, logger: silentLogger, ...(config ? { config } : {}) };
  return { transport, user, layer: new SipTransportLayer(options) };
}

export function invite(via: string, extra: readonly string[] = [], body = ''): string {
  return sipText([
    'INVITE sip:bob@192.0.2.10 SIP/2.0',
    `Via: ${via}`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.com>;tag=a1',
    'To: <sip:bob@example.com>',
    'Call-ID: call-1@example.com',
    'CSeq: 1 INVITE',
    'Contact: <sip:alice@198.51.100.7>',
    ...extra,
    `Content-Length: ${Buffer.byteLength(body)}`,
  ], body);
}

export function response(via: string, status = 200): string {
  return sipText([
    `SIP/2.0 ${status} OK`,
    `Via: ${via}`,
    'From: <sip:alice@example.com>;tag=a1',
    'To: <sip:bob@example.com>;tag=b1',
    'Call-ID: call-1@example.com',
    'CSeq: 1 INVITE',
    'Content-Length: 0',
  ]);
}

export function udpIn(text: string, source = { host: '198.51.100.7', port: 5060 }): InboundPacket {
  return { protocol: 'udp', local: udpPoint.local, source, data: Buffer.from(text) };
}

export function parsed(data: Uint8Array): SipMessage {
  const result = parseMessage(data);
  if (!result.ok) throw new Error(`test expected a parseable message: ${result.error.reason}`);
  return result.message;
}

export function request(text: string): SipRequest {
  const m = parsed(Buffer.from(text));
  if (m.kind !== 'request') throw new Error('expected a request');
  return m;
}
