/** Tests of the `hold` SDP rewrite (opensips-b2b.md §6.5 21, RFC 3264 §8.4). */
import t from 'tap';
import { holdSdp } from './sdp-hold';

const enc = new TextEncoder();
const dec = new TextDecoder();
const part = (text: string) => ({ body: enc.encode(text), contentType: 'application/sdp' });

t.test('every stream direction becomes inactive and the origin version goes up', async (t) => {
  const held = holdSdp(part('v=0\r\no=a 7 41 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\nm=video 4002 RTP/AVP 96\r\na=recvonly\r\n'));
  t.ok(held);
  t.equal(dec.decode(held!.body), 'v=0\r\no=a 7 42 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\na=inactive\r\nm=video 4002 RTP/AVP 96\r\na=inactive\r\n');
  t.equal(held!.contentType, 'application/sdp');
});

t.test('a stream without a direction attribute (sendrecv by default) gets a=inactive', async (t) => {
  const held = holdSdp(part('v=0\no=a 1 1 IN IP4 1.2.3.4\ns=-\nm=audio 4000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n'));
  t.equal(dec.decode(held!.body), 'v=0\no=a 1 2 IN IP4 1.2.3.4\ns=-\nm=audio 4000 RTP/AVP 0\na=rtpmap:0 PCMU/8000\na=inactive\n');
});

t.test('a session-level direction is rewritten too', async (t) => {
  const held = holdSdp(part('v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\na=sendonly\r\nm=audio 4000 RTP/AVP 0\r\n'));
  t.equal(dec.decode(held!.body), 'v=0\r\no=a 1 2 IN IP4 1.2.3.4\r\na=inactive\r\nm=audio 4000 RTP/AVP 0\r\na=inactive\r\n');
});

t.test('nothing to do when every stream is already inactive (the hold step is skipped)', async (t) => {
  t.equal(holdSdp(part('v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 0\r\na=inactive\r\n')), undefined);
  t.equal(holdSdp(part('v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\na=inactive\r\nm=audio 4000 RTP/AVP 0\r\n')), undefined);
  t.equal(holdSdp(part('v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=-\r\n')), undefined, 'no media at all');
});

t.test('one active stream among inactive ones is enough to hold', async (t) => {
  const held = holdSdp(part('v=0\r\no=a 1 9 IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 0\r\na=inactive\r\nm=video 0 RTP/AVP 96\r\na=sendonly\r\n'));
  t.match(dec.decode(held!.body), /o=a 1 10 .*m=audio 4000 RTP\/AVP 0\r\na=inactive\r\nm=video 0 RTP\/AVP 96\r\na=inactive\r\n$/s);
});
