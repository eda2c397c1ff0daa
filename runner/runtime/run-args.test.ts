/** Tests of the SIPp-style argument parser of b2bkit run: defaults, every option, clear errors. */
import t from 'tap';
import { parseRunArgs } from './run-args';
import type { RunOptions } from './run-options';

function ok(args: string[]): RunOptions {
  const r = parseRunArgs(args);
  if (!r.ok) throw new Error(`expected ok, got ${r.message}`);
  return r.options;
}

function error(args: string[]): string {
  const r = parseRunArgs(args);
  return r.ok ? '(parsed)' : r.message;
}

t.test('defaults follow SIPp', async (t) => {
  const o = ok(['flow.yaml']);
  t.equal(o.file, 'flow.yaml');
  t.equal(o.target, undefined);
  t.equal(o.localIp, '127.0.0.1');
  t.equal(o.localPort, undefined);
  t.equal(o.rate, 10);
  t.equal(o.ratePeriodMs, 1000);
  t.equal(o.maxInviteRetrans, 5);
  t.equal(o.maxNonInviteRetrans, 7);
  t.equal(o.statPeriodMs, 60_000);
  t.same(o.behaviors, { bye: true, abortUnexpected: true, autoAnswer: false });
  t.equal(o.sim, false);
});

t.test('SIPp-style single-dash options, two-value -set and a target', async (t) => {
  const o = ok(['flow.xml', '127.0.0.1:5070', '-t', 't1', '-i', '127.0.0.2', '-p', '5080', '-r', '100', '-rp', '2s', '-m', '1000', '-l', '50',
    '-d', '2000', '-s', 'bob', '-inf', 'a.csv', '-inf', 'b.csv', '-set', 'x', '1', '-nr', '-max_retrans', '3', '-recv_timeout', '500',
    '-timeout', '30', '-trace_stat', '-stf', 's.csv', '-fd', '1', '-trace_err', '-error_file', 'e.log', '-bind_local', '-aa',
    '-mi', '127.0.0.3', '-mp', '7000', '-cid_str', '%u-x@%s', '-nostdin', '--agent', 'uac', '--quiet']);
  t.same(o.target, { host: '127.0.0.1', port: 5070 });
  t.equal(o.transport, 'tcp');
  t.equal(o.localIp, '127.0.0.2');
  t.equal(o.localPort, 5080);
  t.equal(o.rate, 100);
  t.equal(o.ratePeriodMs, 2000);
  t.equal(o.maxCalls, 1000);
  t.equal(o.limit, 50);
  t.equal(o.defaultPauseMs, 2000);
  t.equal(o.service, 'bob');
  t.same(o.injectionFiles, ['a.csv', 'b.csv']);
  t.same([...o.variables], [['x', '1']]);
  t.equal(o.noRetrans, true);
  t.equal(o.maxInviteRetrans, 3);
  t.equal(o.maxNonInviteRetrans, 3);
  t.equal(o.recvTimeoutMs, 500);
  t.equal(o.globalTimeoutMs, 30_000, '-timeout defaults to seconds');
  t.equal(o.traceStat, true);
  t.equal(o.statFile, 's.csv');
  t.equal(o.statPeriodMs, 1000);
  t.equal(o.errorFile, 'e.log');
  t.equal(o.behaviors.autoAnswer, true);
  t.equal(o.mediaIp, '127.0.0.3');
  t.equal(o.mediaPort, 7000);
  t.equal(o.callIdPattern, '%u-x@%s');
  t.equal(o.agent, 'uac');
  t.equal(o.quiet, true);
});

t.test('simulator options and behaviours', async (t) => {
  const o = ok(['f.yaml', '--sim', '--seed', '42', '--loss', '0.05', '-default_behaviors', 'all,-bye']);
  t.equal(o.sim, true);
  t.equal(o.seed, 42);
  t.equal(o.lossProbability, 0.05);
  t.same(o.behaviors, { bye: false, abortUnexpected: true, autoAnswer: true });
  t.same(ok(['f.yaml', '-default_behaviors', 'none']).behaviors, { bye: false, abortUnexpected: false, autoAnswer: false });
  t.same(ok(['f.yaml', '[::1]:5062']).target, { host: '::1', port: 5062 });
  t.same(ok(['f.yaml', '10.0.0.1']).target, { host: '10.0.0.1', port: 5060 });
  t.equal(ok(['-sf', 'uac.xml']).file, 'uac.xml');
  t.equal(ok(['f.yaml', '-timeout', '1500ms']).globalTimeoutMs, 1500);
});

t.test('bad arguments give a clear message', async (t) => {
  const cases: [string[], RegExp][] = [
    [[], /scenario FILE is missing/],
    [['f.yaml', '-bogus'], /unknown option -bogus/],
    [['f.yaml', '-m'], /option -m needs a value/],
    [['f.yaml', '-set', 'x'], /needs two values/],
    [['f.yaml', '-m', '0'], /-m: expected an integer from 1 up, got "0"/],
    [['f.yaml', '-r', 'fast'], /-r: expected a positive number/],
    [['f.yaml', '-t', 'un'], /-t un is not supported/],
    [['f.yaml', '-i', 'localhost'], /-i: expected an IPv4 or IPv6 address/],
    [['f.yaml', 'a:1', 'b:2'], /unexpected argument b:2/],
    [['f.yaml', 'example.com:5060'], /must be an IP address/],
    [['f.yaml', '127.0.0.1:99999'], /TARGET port/],
    [['f.yaml', '--loss', '0.1'], /--loss works only with --sim/],
    [['f.yaml', '--sim', '--loss', '2'], /probability/],
    [['f.yaml', '-d', '1x'], /expected a time/],
    [['f.yaml', '-default_behaviors', 'chatty'], /unknown behaviour "chatty"/],
  ];
  for (const [args, message] of cases) t.match(error(args), message, args.join(' '));
});
