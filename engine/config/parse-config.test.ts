import t from 'tap';
import { parseConfig } from './parse-config';
import { defaultEngineConfig } from './engine-config';
import type { ConfigIssue } from './config-error';

function issues(text: string, overrides: string[] = []): readonly ConfigIssue[] {
  const result = parseConfig({ file: { name: 'b2b.yaml', text }, overrides });
  if (result.ok) throw new Error('expected a configuration error');
  return result.error.issues;
}

t.test('no file and no overrides gives the embedded defaults', async (t) => {
  const result = parseConfig();
  t.ok(result.ok);
  if (!result.ok) return;
  t.same(result.config.listen, ['udp:127.0.0.1:5060', 'tcp:127.0.0.1:5060']);
  t.equal(result.config.script, 'scenarios/scripts/top-hiding.ts');
  t.equal(result.config.scriptOrigin, 'default');
  t.same(result.config.mi, { host: '127.0.0.1', port: 8888 });
  t.equal(result.config.shutdown, 'bye');
  t.equal(result.config.logic.hashSizeBits, 10, 'hash_size: the code default 10, not the README 9');
  t.equal(result.config.logic.cleanupPeriodS, 100);
  t.equal(result.config.logic.maxDurationS, 43200);
  t.equal(result.config.logic.initTimeoutS, 60);
  t.equal(result.config.entities.keyPrefix, 'B2B');
  t.equal(result.config.entities.serverHsizeBits, 9);
  t.same(result.config, defaultEngineConfig);
});

t.test('a full file is read into typed settings', async (t) => {
  const text = [
    'listen:',
    '  - udp:127.0.0.1:5070',
    '  - tcp:[::1]:5070',
    'script: my-script.ts',
    'upstream: sip:127.0.0.1:5080',
    'log_level: debug',
    'mi:',
    '  listen: 127.0.0.1:9999',
    'shutdown: leave',
    'b2b_logic:',
    '  hash_size: 12',
    '  cleanup_period: 5',
    '  max_duration: 0',
    '  b2bl_th_init_timeout: 30',
    '  custom_headers: "X-Account;X-Tenant"',
    '  custom_headers_regexp: "/^x-acme-/i"',
    '  contact_user: 1',
    '  server_address: sip:b2b@198.51.100.7:5060',
    '  init_callid_hdr: X-Orig-Callid',
    '  b2bl_from_spec_param: from_override',
    '  db_mode: 0',
    'b2b_entities:',
    '  server_hsize: 11',
    '  client_hsize: 8',
    '  b2b_key_prefix: EDGE',
    '  passthru_prack: true',
    '  credentials:',
    '    - alice:example.com:secret',
    '    - { username: bob, realm: "*", password: "p:w" }',
    '',
  ].join('\n');
  const result = parseConfig({ file: { name: 'b2b.yaml', text } });
  t.ok(result.ok, result.ok ? '' : result.error.message);
  if (!result.ok) return;
  const c = result.config;
  t.same(c.listen, ['udp:127.0.0.1:5070', 'tcp:[::1]:5070']);
  t.equal(c.script, 'my-script.ts');
  t.equal(c.scriptOrigin, 'file');
  t.equal(c.upstream, 'sip:127.0.0.1:5080');
  t.equal(c.logLevel, 'debug');
  t.same(c.mi, { host: '127.0.0.1', port: 9999 });
  t.equal(c.shutdown, 'leave');
  t.equal(c.logic.hashSizeBits, 12);
  t.equal(c.logic.cleanupPeriodS, 5);
  t.equal(c.logic.maxDurationS, 0);
  t.equal(c.logic.initTimeoutS, 30);
  t.same(c.logic.customHeaders, ['X-Account', 'X-Tenant']);
  t.ok(c.logic.customHeadersRegexp?.test('X-ACME-Id'), 'regexp with the i flag');
  t.equal(c.logic.contactUser, true);
  t.equal(c.logic.serverAddress, 'sip:b2b@198.51.100.7:5060');
  t.equal(c.logic.initCallidHdr, 'X-Orig-Callid');
  t.equal(c.fromSpecParam, 'from_override');
  t.equal(c.entities.serverHsizeBits, 11);
  t.equal(c.entities.clientHsizeBits, 8);
  t.equal(c.entities.keyPrefix, 'EDGE');
  t.equal(c.entities.passthruPrack, true);
  t.same(c.entities.credentials, [
    { username: 'alice', realm: 'example.com', password: 'secret' },
    { username: 'bob', realm: '*', password: 'p:w' },
  ]);
});

t.test('mi: false turns the management endpoint off', async (t) => {
  const result = parseConfig({ file: { name: 'b2b.yaml', text: 'mi: false\n' } });
  t.ok(result.ok && result.config.mi === false);
});

t.test('every bad value names file:line, the key and the allowed range', async (t) => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['b2b_logic:\n  hash_size: 30\n', 'b2b_logic.hash_size', 2, /1\.\.20/],
    ['b2b_logic:\n  hash_size: 0\n', 'b2b_logic.hash_size', 2, /1\.\.20/],
    ['\n\nb2b_entities:\n  server_hsize: nine\n', 'b2b_entities.server_hsize', 4, /1\.\.20/],
    ['b2b_logic:\n  cleanup_period: 0\n', 'b2b_logic.cleanup_period', 2, />= 1/],
    ['b2b_logic:\n  max_duration: -1\n', 'b2b_logic.max_duration', 2, />= 0/],
    ['b2b_logic:\n  contact_user: 2\n', 'b2b_logic.contact_user', 2, /0 or 1/],
    ['listen: udp:127.0.0.1:70000\n', 'listen', 1, /0-65535/],
    ['listen:\n  - udp:127.0.0.1:5060\n  - sctp:127.0.0.1:5060\n', 'listen', 2, /udp or tcp/],
    ['log_level: chatty\n', 'log_level', 1, /trace, debug, info, warn, error/],
    ['shutdown: nuke\n', 'shutdown', 1, /bye, leave/],
    ['upstream: http://example.com\n', 'upstream', 1, /SIP URI/],
    ['mi:\n  listen: localhost\n', 'mi.listen', 2, /host:port/],
    ['b2b_logic:\n  custom_headers_regexp: "/a(/"\n', 'b2b_logic.custom_headers_regexp', 2, /regular expression/],
    ['b2b_entities:\n  b2b_key_prefix: "A.B"\n', 'b2b_entities.b2b_key_prefix', 2, /no dots/],
    ['b2b_entities:\n  credentials: [nope]\n', 'b2b_entities.credentials', 2, /user:realm:password/],
  ];
  for (const [text, key, line, allowed] of cases) {
    const found = issues(text);
    t.equal(found.length, 1, `${key}: one issue`);
    t.equal(found[0]!.where, `b2b.yaml:${line}`, `${key}: file and line`);
    t.equal(found[0]!.key, key);
    t.equal(found[0]!.code, 'bad-value');
    t.match(found[0]!.message, allowed, `${key}: says what is allowed (${found[0]!.message})`);
  }
});

t.test('unknown keys are refused with the line and the list of known keys', async (t) => {
  const found = issues('listen: udp:127.0.0.1:0\nb2b_logic:\n  hash_sise: 3\nscrpit: x.ts\n');
  t.equal(found.length, 2);
  t.same(found.map((i) => [i.code, i.where, i.key]), [['unknown-key', 'b2b.yaml:3', 'b2b_logic.hash_sise'], ['unknown-key', 'b2b.yaml:4', 'scrpit']]);
  t.match(found[0]!.message, /in b2b_logic \(allowed: hash_size, /);
  t.match(found[1]!.message, /allowed: listen, script, /);
});

t.test('parameters of features not built yet accept the default only', async (t) => {
  const ok = parseConfig({ file: { name: 'b2b.yaml', text: 'b2b_logic:\n  db_mode: 0\n  db_table: b2b_logic\nb2b_entities:\n  cluster_id: 0\n' } });
  t.ok(ok.ok, 'defaults accepted');
  const found = issues('b2b_logic:\n  db_url: mysql://x\n  db_mode: 2\nb2b_entities:\n  cluster_id: 3\n  script_req_route: b2b_request\n');
  t.same(found.map((i) => [i.code, i.where, i.key]), [
    ['not-supported', 'b2b.yaml:2', 'b2b_logic.db_url'],
    ['not-supported', 'b2b.yaml:3', 'b2b_logic.db_mode'],
    ['not-supported', 'b2b.yaml:5', 'b2b_entities.cluster_id'],
    ['not-supported', 'b2b.yaml:6', 'b2b_entities.script_req_route'],
  ]);
  for (const i of found) t.match(i.message, /not supported yet/);
});

t.test('YAML syntax errors and non-map documents name the line', async (t) => {
  const syntax = issues('listen: [udp:127.0.0.1:0\nscript: x\n');
  t.equal(syntax[0]!.code, 'yaml-syntax');
  t.match(syntax[0]!.where, /^b2b\.yaml:\d+$/);
  const dup = issues('script: a.ts\nscript: b.ts\n');
  t.equal(dup[0]!.code, 'yaml-syntax');
  t.equal(dup[0]!.where, 'b2b.yaml:2', 'a duplicate key points at the second one');
  const list = issues('- a\n- b\n');
  t.equal(list[0]!.code, 'not-a-map');
  t.equal(list[0]!.where, 'b2b.yaml:1');
  t.ok(parseConfig({ file: { name: 'empty.yaml', text: '# nothing\n' } }).ok, 'an empty file means defaults');
});

t.test('--set overrides the file and the defaults, dotted keys reach module parameters', async (t) => {
  const result = parseConfig({
    file: { name: 'b2b.yaml', text: 'listen:\n  - udp:127.0.0.1:5060\n  - tcp:127.0.0.1:5060\nb2b_logic:\n  hash_size: 4\nmi: false\n' },
    overrides: ['listen=udp:127.0.0.1:5070', 'b2b_logic.hash_size=12', 'upstream=sip:127.0.0.1:5080', 'mi.listen=127.0.0.1:0',
      'script=other.ts', 'b2b_entities.b2b_key_prefix=123', 'b2b_logic.contact_user=true'],
  });
  t.ok(result.ok, result.ok ? '' : result.error.message);
  if (!result.ok) return;
  t.same(result.config.listen, ['udp:127.0.0.1:5070'], 'listen= replaces the list');
  t.equal(result.config.logic.hashSizeBits, 12, 'numbers read as numbers');
  t.equal(result.config.upstream, 'sip:127.0.0.1:5080');
  t.same(result.config.mi, { host: '127.0.0.1', port: 0 });
  t.equal(result.config.scriptOrigin, 'override');
  t.equal(result.config.entities.keyPrefix, '123');
  t.equal(result.config.logic.contactUser, true);
  const two = parseConfig({ overrides: ['listen=udp:127.0.0.1:0,tcp:127.0.0.1:0', 'mi=false'] });
  t.ok(two.ok && two.config.listen.length === 2 && two.config.mi === false, 'a comma-separated listen list; mi=false');
  const later = parseConfig({ overrides: ['b2b_logic.hash_size=3', 'b2b_logic.hash_size=5'] });
  t.ok(later.ok && later.config.logic.hashSizeBits === 5, 'the last --set wins');
});

t.test('bad overrides name the --set argument and the allowed range', async (t) => {
  const result = parseConfig({ overrides: ['b2b_logic.hash_size=30', 'b2b_logic.nope=1', 'justakey', 'mi=maybe'] });
  t.notOk(result.ok);
  if (result.ok) return;
  t.same(result.error.issues.map((i) => [i.code, i.where]), [
    ['bad-value', '--set b2b_logic.hash_size=30'],
    ['unknown-key', '--set b2b_logic.nope=1'],
    ['bad-override', '--set justakey'],
    ['bad-value', '--set mi=maybe'],
  ]);
  t.match(result.error.message, /--set b2b_logic\.hash_size=30: b2b_logic\.hash_size: must be an integer 1\.\.20/);
  t.equal(result.error.code, 'bad-config');
});

t.test('script_params: a map of strings from the file, one name per --set script_params.<name>', async (t) => {
  const result = parseConfig({
    file: { name: 'b2b.yaml', text: 'script_params:\n  announce_uri: sip:ann@192.0.2.6\n  credit_s: 30\n  bridge_flags: notify,rollback-failed\n  strict: true\n' },
    overrides: ['script_params.credit_s=0', 'script_params.retry_uri=sip:retry@192.0.2.7', 'script_params.empty='],
  });
  t.ok(result.ok, result.ok ? '' : result.error.message);
  if (!result.ok) return;
  t.same([...result.config.scriptParams], [
    ['announce_uri', 'sip:ann@192.0.2.6'], ['credit_s', '0'], ['bridge_flags', 'notify,rollback-failed'], ['strict', 'true'],
    ['retry_uri', 'sip:retry@192.0.2.7'], ['empty', ''],
  ], 'numbers and booleans as their text; --set adds or replaces one name');
  t.same([...defaultEngineConfig.scriptParams], [], 'none by default');
  const onlySet = parseConfig({ overrides: ['script_params.park_uri=sip:park@192.0.2.8'] });
  t.ok(onlySet.ok && onlySet.config.scriptParams.get('park_uri') === 'sip:park@192.0.2.8', 'no file needed');
  const bad = issues('script_params:\n  nested:\n    a: 1\n', ['script_params.=x', 'script_params=x']);
  t.same(bad.map((i) => [i.code, i.where, i.key]), [
    ['bad-value', 'b2b.yaml:2', 'script_params'],
    ['unknown-key', '--set script_params.=x', 'script_params.'],
    ['bad-value', '--set script_params=x', 'script_params'],
  ]);
  t.match(bad[0]!.message, /nested must be a string/);
  t.match(bad[2]!.message, /must be a map of names to strings/);
});

t.test('old_entity_term_delay and b2bl_early_update reach LogicConfig; script routes stay exports', async (t) => {
  const defaults = parseConfig();
  t.ok(defaults.ok && defaults.config.logic.oldEntityTermDelayS === 0 && defaults.config.logic.earlyUpdate === false, 'defaults 0 / off');
  const result = parseConfig({ file: { name: 'b2b.yaml', text: 'b2b_logic:\n  old_entity_term_delay: 5\n  b2bl_early_update: 1\n' } });
  t.ok(result.ok);
  if (!result.ok) return;
  t.equal(result.config.logic.oldEntityTermDelayS, 5);
  t.equal(result.config.logic.earlyUpdate, true);
  const set = parseConfig({ overrides: ['b2b_logic.old_entity_term_delay=2', 'b2b_logic.b2bl_early_update=0'] });
  t.ok(set.ok && set.config.logic.oldEntityTermDelayS === 2 && !set.config.logic.earlyUpdate);
  const bad = issues('b2b_logic:\n  old_entity_term_delay: -1\n  b2bl_early_update: 2\n  script_req_route: b2b_logic_request\n  script_reply_route: b2b_logic_reply\n');
  t.same(bad.map((i) => [i.code, i.key]), [
    ['bad-value', 'b2b_logic.old_entity_term_delay'], ['bad-value', 'b2b_logic.b2bl_early_update'],
    ['not-supported', 'b2b_logic.script_req_route'], ['not-supported', 'b2b_logic.script_reply_route'],
  ]);
  t.match(bad[0]!.message, /integer >= 0 \(seconds after the ACK\)/);
  t.match(bad[2]!.message, /export b2bRequest from the script instead/);
  t.match(bad[3]!.message, /export b2bReply from the script instead/);
});
