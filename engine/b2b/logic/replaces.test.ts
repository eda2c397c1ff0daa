/** The Replaces rewrite for attended transfer across the B2BUA (opensips-b2b.md §1.7, RFC 3891 §3). */
import t from 'tap';
import { escapeHeaderValue, rewriteReplaces, type PeerDialogLookup } from './replaces';

// Our dialog with the transferor: Call-ID B2B.c1, our tag B2B.t1, theirs t-b; bridged with C's dialog (B2B.c2, ours f2, C's t-c).
const lookup: PeerDialogLookup = (callId, a, b) => {
  const tags = [a, b].sort().join(' ');
  if (callId === 'B2B.c1' && tags === ['B2B.t1', 't-b'].sort().join(' ')) return { callId: 'B2B.c2', localTag: 'f2', remoteTag: 't-c' };
  return undefined;
};

t.test('an escaped Replaces naming one of our dialogs names the peer dialog, to-tag = the far end of that dialog', async (t) => {
  const referTo = '<sip:carol@10.0.0.3?Replaces=B2B.c1%3Bto-tag%3DB2B.t1%3Bfrom-tag%3Dt-b>';
  t.equal(rewriteReplaces(referTo, lookup), '<sip:carol@10.0.0.3?Replaces=B2B.c2%3Bto-tag%3Dt-c%3Bfrom-tag%3Df2>');
});

t.test('tags in either order, other URI headers and early-only are kept, case-insensitive name', async (t) => {
  const referTo = '<sip:carol@10.0.0.3?X-A=1&replaces=B2B.c1%3Bfrom-tag%3DB2B.t1%3Bto-tag%3Dt-b%3Bearly-only&Y=2>;foo=bar';
  t.equal(rewriteReplaces(referTo, lookup), '<sip:carol@10.0.0.3?X-A=1&replaces=B2B.c2%3Bto-tag%3Dt-c%3Bfrom-tag%3Df2%3Bearly-only&Y=2>;foo=bar');
});

t.test('left alone: no Replaces, a dialog not ours, missing tags, bad escaping', async (t) => {
  for (const referTo of [
    '<sip:carol@10.0.0.3>',
    '<sip:carol@10.0.0.3?Replaces=other%3Bto-tag%3Da%3Bfrom-tag%3Db>',
    '<sip:carol@10.0.0.3?Replaces=B2B.c1%3Bto-tag%3DB2B.t1>',
    '<sip:carol@10.0.0.3?Replaces=B2B.c1%ZZ>',
    'sip:carol@10.0.0.3?Replaces',
  ]) t.equal(rewriteReplaces(referTo, lookup), referTo, referTo);
});

t.test('a Call-ID with @ is escaped on the way out', async (t) => {
  const at: PeerDialogLookup = () => ({ callId: 'abc@host', localTag: 'l', remoteTag: 'r' });
  t.equal(rewriteReplaces('<sip:x@y?Replaces=q%3Bto-tag%3D1%3Bfrom-tag%3D2>', at), '<sip:x@y?Replaces=abc%40host%3Bto-tag%3Dr%3Bfrom-tag%3Dl>');
  t.equal(escapeHeaderValue('a;b=c@d e'), 'a%3Bb%3Dc%40d%20e');
});
