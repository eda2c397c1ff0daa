/** The RFC 4475 §2 notation decoder: line ends, <allOneLine>, <hex>, <repeat>, and malformed notation. */
import t from 'tap';
import { decodeRfcNotation, NotationError } from './rfc-notation';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

t.test('every source line ends in CRLF; a trailing empty line makes the blank line', async (t) => {
  t.equal(text(decodeRfcNotation('A\nB\n\n')), 'A\r\nB\r\n\r\n');
});

t.test('<allOneLine> joins its lines with nothing between them (§2.1)', async (t) => {
  t.equal(text(decodeRfcNotation('X\n<allOneLine>\nTo: a\n b;\nc\n</allOneLine>\nY\n')), 'X\r\nTo: a b;c\r\nY\r\n');
});

t.test('<hex> becomes raw octets, also across joined lines (§2.2)', async (t) => {
  t.same([...decodeRfcNotation('<hex>00FF</hex>a\n')], [0x00, 0xff, 0x61, 0x0d, 0x0a]);
  t.same([...decodeRfcNotation('<allOneLine>\n<hex>D0\nBD</hex>\n</allOneLine>\n')], [0xd0, 0xbd, 0x0d, 0x0a]);
});

t.test('<repeat count=N> repeats its text (§2.3)', async (t) => {
  t.equal(text(decodeRfcNotation('a<repeat count=3>xy</repeat>b\n')), 'axyxyxyb\r\n');
});

t.test('text outside the tags is UTF-8', async (t) => {
  t.same([...decodeRfcNotation('é\n')], [0xc3, 0xa9, 0x0d, 0x0a]);
});

t.test('<noeol/> drops the line end', async (t) => {
  t.equal(text(decodeRfcNotation('a\nb<noeol/>\nc\n')), 'a\r\nbc\r\n');
});

t.test('malformed notation throws with the line number', async (t) => {
  t.throws(() => decodeRfcNotation('<hex>0G</hex>\n'), NotationError);
  t.throws(() => decodeRfcNotation('ok\n<hex>00\n'), { message: /line 2/ });
  t.throws(() => decodeRfcNotation('<allOneLine>\nx\n'), { message: /never closed/ });
  t.throws(() => decodeRfcNotation('</allOneLine>\n'), NotationError);
  t.throws(() => decodeRfcNotation('a\r\n'), { message: /LF line ends/ });
});
