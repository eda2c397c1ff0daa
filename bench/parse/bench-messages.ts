/** The three messages the parse benchmark runs on: a typical INVITE with SDP, its 200 OK, and a BYE (RFC 3261 §7). */

const CRLF = '\r\n';

function message(lines: readonly string[], body = ''): Uint8Array {
  const withLength = [...lines, `Content-Length: ${Buffer.byteLength(body)}`];
  return new Uint8Array(Buffer.from(`${withLength.join(CRLF)}${CRLF}${CRLF}${body}`, 'utf8'));
}

function sdp(origin: string, address: string, port: number): string {
  return [
    'v=0',
    `o=${origin} 2890844526 2890844527 IN IP4 ${address}`,
    's=-',
    `c=IN IP4 ${address}`,
    't=0 0',
    `m=audio ${port} RTP/AVP 0 8 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=fmtp:101 0-16',
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join(CRLF);
}

const ALLOW = 'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, REFER, NOTIFY';

export const INVITE = message(
  [
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bK2d4790.1',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10',
    'Max-Forwards: 69',
    'Record-Route: <sip:proxy.atlanta.example.com;lr>',
    'From: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774',
    'To: "Bob" <sip:bob@biloxi.example.com>',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:alice@pc33.atlanta.example.com:5060;transport=udp>',
    ALLOW,
    'Supported: replaces, timer, 100rel',
    'User-Agent: b2bkit-bench/0.1',
    'Content-Type: application/sdp',
  ],
  sdp('alice', '192.0.2.10', 49172),
);

export const OK_200 = message(
  [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP proxy.atlanta.example.com:5060;branch=z9hG4bK2d4790.1',
    'Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10',
    'Record-Route: <sip:proxy.atlanta.example.com;lr>',
    'From: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774',
    'To: "Bob" <sip:bob@biloxi.example.com>;tag=a6c85cf',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Contact: <sip:bob@192.0.2.4:5060;transport=udp>',
    ALLOW,
    'Supported: replaces, timer',
    'Content-Type: application/sdp',
  ],
  sdp('bob', '192.0.2.4', 3456),
);

export const BYE = message([
  'BYE sip:alice@pc33.atlanta.example.com:5060;transport=udp SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bKnashds10;rport',
  'Max-Forwards: 70',
  'Route: <sip:proxy.atlanta.example.com;lr>',
  'From: "Bob" <sip:bob@biloxi.example.com>;tag=a6c85cf',
  'To: "Alice" <sip:alice@atlanta.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 231 BYE',
  'User-Agent: b2bkit-bench/0.1',
]);

export const BENCH_MESSAGES: ReadonlyArray<{ readonly name: string; readonly bytes: Uint8Array }> = [
  { name: 'INVITE+SDP', bytes: INVITE },
  { name: '200 OK+SDP', bytes: OK_200 },
  { name: 'BYE', bytes: BYE },
];
