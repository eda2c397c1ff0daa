/** `startEngine` on real loopback sockets (port 0) with the shipped top-hiding script, and `b2bkit start` around it. */
import t from 'tap';
import { createSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { parseConfigOrThrow } from '../../engine/config';
import { startEngine } from '../../engine/runtime/engine-runtime';
import { memoryLogger, type LogLine } from '../../engine/script/test-support';
import { runStart } from '../../cli/commands/start';
import { recordedIo } from './cli-io';

function optionsRequest(port: number, localPort: number): string {
  return [
    `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=z9hG4bK-opt-1;rport`,
    'Max-Forwards: 70',
    `To: <sip:127.0.0.1:${port}>`,
    `From: <sip:probe@127.0.0.1:${localPort}>;tag=probe`,
    'Call-ID: options-probe-1',
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '', '',
  ].join('\r\n');
}

/** Sends one datagram and resolves with the first answer. */
async function udpExchange(port: number, text: (localPort: number) => string): Promise<string> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const answer = new Promise<string>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
      socket.once('message', (data) => { clearTimeout(guard); resolve(data.toString('utf8')); });
    });
    socket.send(text(socket.address().port), port, '127.0.0.1');
    return await answer;
  } finally {
    socket.close();
  }
}

t.test('startEngine answers a real UDP OPTIONS, serves MI and stops cleanly', async (t) => {
  const lines: LogLine[] = [];
  const config = parseConfigOrThrow({ overrides: ['listen=udp:127.0.0.1:0,tcp:127.0.0.1:0', 'mi.listen=127.0.0.1:0'] });
  const engine = await startEngine(config, { logger: memoryLogger(lines) });
  let stopped = false;
  t.teardown(async () => { if (!stopped) await engine.stop('leave'); });
  t.equal(engine.sip.length, 2);
  const udp = engine.sip.find((p) => p.protocol === 'udp')!;
  t.ok(udp.local.port > 0, 'port 0 was given a real port');
  t.equal(engine.script.file, join(__dirname, '..', '..', 'scenarios', 'scripts', 'top-hiding.ts'), 'the shipped script by default');
  const answer = await udpExchange(udp.local.port, (local) => optionsRequest(udp.local.port, local));
  t.match(answer, /^SIP\/2\.0 200 OK\r\n/);
  t.match(answer, /\r\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS/);
  t.match(answer, /\r\nTo: <sip:127\.0\.0\.1:\d+>;tag=/);
  const listed = await fetch(engine.mi!.url, { method: 'POST', body: '{"jsonrpc":"2.0","id":1,"method":"b2b_logic:list"}' });
  t.same(await listed.json(), { jsonrpc: '2.0', id: 1, result: { Tuples: [] } });
  t.ok(lines.some((l) => l.level === 'info' && l.message === 'engine started'));
  await engine.stop();
  stopped = true;
  t.ok(lines.some((l) => l.message === 'engine stopped'));
  await t.rejects(fetch(engine.mi!.url, { method: 'POST', body: '{}' }), 'the MI endpoint is closed');
  await t.resolves(engine.stop(), 'stop twice is harmless');
});

t.test('a script that throws answers 500 over the wire and the engine goes on', async (t) => {
  const dir = t.testdir({
    'fails.js': [
      'module.exports = {',
      '  request(msg, b2b) {',
      '    if (msg.callId === "options-probe-1") throw new Error("bad day");',
      '    b2b.reply(200);',
      '  },',
      '};',
      '',
    ].join('\n'),
  });
  const lines: LogLine[] = [];
  const config = parseConfigOrThrow({ overrides: ['listen=udp:127.0.0.1:0', 'mi=false', `script=${join(dir, 'fails.js')}`] });
  const engine = await startEngine(config, { logger: memoryLogger(lines) });
  t.teardown(() => engine.stop('leave'));
  const port = engine.sip[0]!.local.port;
  const first = await udpExchange(port, (local) => optionsRequest(port, local));
  t.match(first, /^SIP\/2\.0 500 /);
  const error = lines.find((l) => l.level === 'error');
  t.equal(error?.fields.file, join(dir, 'fails.js'));
  t.equal(error?.fields.line, 3);
  const second = await udpExchange(port, (local) => optionsRequest(port, local).replace('options-probe-1', 'options-probe-2'));
  t.match(second, /^SIP\/2\.0 200 /, 'the next request is served');
});

t.test('b2bkit start: a config file, --set, and a clean exit on SIGTERM', async (t) => {
  const dir = t.testdir({
    'b2b.yaml': 'listen: udp:127.0.0.1:0\nmi: false\nlog_level: error\nb2b_logic:\n  hash_size: 12\n',
    'bad.yaml': 'listen: udp:127.0.0.1:0\nb2b_logic:\n  hash_size: 40\n',
  });
  const signals = new EventEmitter();
  const io = recordedIo();
  const running = runStart(['-c', join(dir, 'b2b.yaml'), '--set', 'b2b_entities.b2b_key_prefix=T1'], io, signals);
  // runStart listens for signals once the engine is up.
  while (signals.listenerCount('SIGTERM') === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  signals.emit('SIGTERM');
  t.equal(await running, 0, 'exit 0 after SIGTERM');
  t.equal(signals.listenerCount('SIGINT'), 0, 'signal listeners removed');

  const bad = recordedIo();
  t.equal(await runStart(['-c', join(dir, 'bad.yaml')], bad, signals), 1);
  t.match(bad.err.join(''), new RegExp(`${join(dir, 'bad.yaml').replace(/[.]/g, '\\.')}:3: b2b_logic\\.hash_size: must be an integer 1\\.\\.20`));
  const badSet = recordedIo();
  t.equal(await runStart(['--set', 'listen=sctp:127.0.0.1:0'], badSet, signals), 1);
  t.match(badSet.err.join(''), /--set listen=sctp:127\.0\.0\.1:0: listen: .*not supported/);
  const missingScript = recordedIo();
  t.equal(await runStart(['--set', 'listen=udp:127.0.0.1:0', '--set', 'mi=false', '--set', `script=${join(dir, 'none.ts')}`], missingScript, signals), 1);
  t.match(missingScript.err.join(''), /none\.ts:1: script file not found/);
  const usage = recordedIo();
  t.equal(await runStart(['--bogus'], usage, signals), 2);
  t.equal(await runStart(['-c'], recordedIo(), signals), 2);
});
