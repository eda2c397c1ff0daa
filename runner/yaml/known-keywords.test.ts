import t from 'tap';
import { checkKeyword, firstKeywordProblem, keywordsInLine } from './known-keywords';

const AGENTS = new Set(['uac', 'uas']);

t.test('SIPp keywords, offsets, variables, headers, fields and agent addresses are accepted', async (t) => {
  const accepted = [
    'service', 'remote_ip', 'remote_port', 'local_ip', 'local_port', 'local_ip_type', 'transport', 'media_ip', 'media_port',
    'call_id', 'call_number', 'cseq', 'cseq+1', 'branch', 'branch-2', 'len', 'peer_tag_param', 'routes', 'next_url', 'pid',
    'last_Via:', 'last_Call-ID:', 'last_Request_URI', 'last_cseq_number', '$var', 'field0', 'field3 file="users.csv" line=2',
    'authentication username=a password=b', 'agent:uas', 'agent_ip:uac', 'agent_port:uas', ' call_id ',
  ];
  for (const keyword of accepted) t.equal(checkKeyword(keyword, AGENTS), undefined, `[${keyword}]`);
});

t.test('unknown names, unknown agents and refused keywords are problems with their own codes', async (t) => {
  const refused: Array<[string, string, RegExp]> = [
    ['callid', 'unknown-keyword', /unknown keyword \[callid\]/],
    ['::1', 'unknown-keyword', /\[::1\]/],
    ['', 'unknown-keyword', /unknown keyword/],
    ['agent:proxy', 'bad-value', /agent:proxy/],
    ['agent_ip:', 'unknown-keyword', /agent_ip:/],
    ['tdmmap', 'unsupported', /tdmmap/],
    ['$', 'bad-value', /empty variable name/],
  ];
  for (const [keyword, code, detail] of refused) {
    const problem = checkKeyword(keyword, AGENTS);
    t.equal(problem?.code, code, `[${keyword}] code`);
    t.match(problem?.detail, detail, `[${keyword}] detail`);
  }
});

t.test('keywordsInLine finds every bracketed name with its column; an unclosed bracket is text', async (t) => {
  t.strictSame(keywordsInLine('Via: SIP/2.0/[transport] [local_ip]:[local_port]'), [
    { inner: 'transport', column: 13 }, { inner: 'local_ip', column: 25 }, { inner: 'local_port', column: 36 },
  ]);
  t.strictSame(keywordsInLine('a [b'), []);
  t.strictSame(keywordsInLine('no keywords'), []);
});

t.test('firstKeywordProblem reports the index of the line that holds the first bad keyword', async (t) => {
  const problem = firstKeywordProblem('INVITE sip:[service] SIP/2.0\nVia: [local_ip]\nX: [oops] [worse]\n', AGENTS);
  t.equal(problem?.lineIndex, 2);
  t.match(problem?.detail, /\[oops\]/);
  t.equal(firstKeywordProblem('OPTIONS sip:[service]@[remote_ip] SIP/2.0\n', AGENTS), undefined);
});
