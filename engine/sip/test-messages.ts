/** Test fixtures for engine/sip tests: small well-formed messages built from header lines (RFC 3261 §24.2 style). */

export function wire(startLine: string, headers: readonly string[], body = '', contentLength: number | 'omit' | 'auto' = 'auto'): string {
  const lines = [startLine, ...headers];
  if (contentLength === 'auto') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  else if (contentLength !== 'omit') lines.push(`Content-Length: ${contentLength}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export const INVITE_HEADERS: readonly string[] = [
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.example.com>',
];

export const SDP = 'v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.example.com\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

export function invite(extra: readonly string[] = [], body = ''): string {
  return wire('INVITE sip:bob@biloxi.example.com SIP/2.0', [...INVITE_HEADERS, ...extra], body);
}

export function response(status = '200 OK', extra: readonly string[] = []): string {
  return wire(`SIP/2.0 ${status}`, [
    'Via: SIP/2.0/UDP server10.biloxi.example.com;branch=z9hG4bKnashds8;received=192.0.2.3',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1',
    'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    ...extra,
  ]);
}
