import t from 'tap';
import { ScenarioLoadError } from '../model/scenario';
import { readXml, type XmlElement, type XmlText } from './xml-reader';

const elements = (e: XmlElement): XmlElement[] => e.children.filter((c): c is XmlElement => c.kind === 'element');

t.test('a document with prologue, comments, attributes, text and CDATA keeps every line', async (t) => {
  const source = [
    '<?xml version="1.0" encoding="ISO-8859-1" ?>', // 1
    '<!DOCTYPE scenario SYSTEM "sipp.dtd" [ <!ENTITY x "y"> ]>', // 2
    '<!-- a comment with <tags> inside -->', // 3
    "<scenario name='single quoted'>", // 4
    '  <send retrans="500"', // 5
    "        lost = '10'>", // 6
    '    <![CDATA[', // 7
    '      INVITE sip:x SIP/2.0 <not a tag> & not an entity', // 8
    '    ]]>', // 9
    '  </send>', // 10
    '  <recv response="200"/>', // 11
    '  <log message="a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &#65;&#x42;"/>', // 12
    '  <p>text &amp; more</p>', // 13
    '</scenario>', // 14
    '<!-- trailing -->', // 15
  ].join('\r\n');
  const root = readXml(source, 'doc.xml');
  t.equal(root.name, 'scenario');
  t.equal(root.line, 4);
  t.same(root.attributes, [{ name: 'name', value: 'single quoted', line: 4 }]);
  const [send, recv, log, p] = elements(root);
  t.equal(send?.line, 5);
  t.same(send?.attributes.map((a) => [a.name, a.value, a.line]), [['retrans', '500', 5], ['lost', '10', 6]]);
  const cdata = send?.children.find((c): c is XmlText => c.kind === 'cdata');
  t.equal(cdata?.line, 7);
  t.equal(cdata?.text, '\n      INVITE sip:x SIP/2.0 <not a tag> & not an entity\n    ', 'CDATA is verbatim and CRLF became LF');
  t.equal(recv?.line, 11);
  t.same(recv?.children, [], 'self-closing element has no children');
  t.equal(log?.attributes[0]?.value, 'a <b> & "c" \'d\' AB');
  t.equal(log?.line, 12);
  t.same(p?.children, [{ kind: 'text', text: 'text & more', line: 13 }]);
});

t.test('attribute values: whitespace normalised, raw < tolerated like SIPp, spaces around =', async (t) => {
  const root = readXml('<a x="1\n2" re="<sip:(.*)>"  y = "3" />', 'a.xml');
  t.same(root.attributes.map((a) => [a.name, a.value, a.line]), [['x', '1 2', 1], ['re', '<sip:(.*)>', 2], ['y', '3', 2]]);
});

t.test('a byte-order mark and a bare root are fine', async (t) => {
  const root = readXml('\uFEFF<scenario/>', 'b.xml');
  t.equal(root.name, 'scenario');
  t.equal(root.line, 1);
});

t.test('malformed XML is a syntax error naming the file and line', async (t) => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['mismatched end tag', '<scenario>\n<send>\n</recv>\n</scenario>', 3, /<\/recv> does not match <send> opened at line 2/],
    ['unclosed element', '<scenario>\n  <send>\n', 3, /<send> opened at line 2 is never closed/],
    ['unquoted attribute', '<scenario>\n<recv response=200/>\n</scenario>', 2, /must be quoted/],
    ['attribute without value', '<scenario>\n\n<recv optional/>\n</scenario>', 3, /optional has no '=value'/],
    ['unclosed quote', '<scenario>\n<recv response="200/>\n</scenario>', 2, /quote is not closed/],
    ['duplicate attribute', '<scenario>\n<recv a="1"\n a="2"/>\n</scenario>', 3, /attribute a twice/],
    ['attributes without space', '<scenario>\n<recv a="1"b="2"/>\n</scenario>', 2, /whitespace before an attribute/],
    ['unknown entity', '<scenario>\n<log message="&nbsp;"/>\n</scenario>', 2, /unknown entity &nbsp;/],
    ['bare ampersand', '<scenario>\n\n<p>a & b</p>\n</scenario>', 3, /'&' must start an entity/],
    ['bad character reference', '<scenario>\n<p>&#0;</p>\n</scenario>', 2, /not a valid character/],
    ['unterminated CDATA', '<scenario>\n<send>\n<![CDATA[\nINVITE\n</send>\n</scenario>', 3, /CDATA section is never closed/],
    ['unterminated comment', '<scenario>\n\n<!-- oops\n</scenario>', 3, /comment is never closed/],
    ['less-than in text', '<scenario>\n<p>a < b</p>\n</scenario>', 2, /expected an element name/],
    ['content after the root', '<scenario/>\n<scenario/>', 2, /content after the root element/],
    ['text before the root', 'hello\n<scenario/>', 1, /text before the root element/],
    ['empty document', '<?xml version="1.0"?>\n<!-- only -->\n', 3, /no root element/],
    ['unclosed DOCTYPE', '<!DOCTYPE scenario [\n<scenario/>', 1, /DOCTYPE> is never closed/],
    ['unclosed start tag', '<scenario>\n<recv a="1"', 2, /<recv> is not closed/],
  ];
  for (const [name, source, line, detail] of cases) {
    try {
      readXml(source, 'bad.xml');
      t.fail(`${name}: should have thrown`);
    } catch (error) {
      t.type(error, ScenarioLoadError, name);
      const e = error as ScenarioLoadError;
      t.equal(e.code, 'syntax', `${name}: code`);
      t.equal(e.location.line, line, `${name}: line`);
      t.match(e.message, detail, `${name}: detail`);
      t.match(e.message, new RegExp(`^bad\\.xml:${line}: `), `${name}: message names file:line`);
    }
  }
});
