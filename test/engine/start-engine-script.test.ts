/** `startEngine` hands the script its `script_params` and installs its b2bRequest / b2bReply exports as the logic's global routes (real loopback socket, port 0). */
import t from 'tap';
import { createSocket } from 'node:dgram';
import { parseConfigOrThrow } from '../../engine/config';
import type { LogicRoutes } from '../../engine/b2b/logic/scripted-types';
import { startEngine } from '../../engine/runtime/engine-runtime';
import { defineScript } from '../../engine/script/script-types';
import { memoryLogger, type LogLine } from '../../engine/script/test-support';

async function optionsAnswer(port: number): Promise<string> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const answer = new Promise<string>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
      socket.once('message', (data) => { clearTimeout(guard); resolve(data.toString('utf8')); });
    });
    const local = socket.address().port;
    socket.send([
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-opt-2;rport`, 'Max-Forwards: 70',
      `To: <sip:127.0.0.1:${port}>`, `From: <sip:probe@127.0.0.1:${local}>;tag=probe`, 'Call-ID: params-probe-1', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
    ].join('\r\n'), port, '127.0.0.1');
    return await answer;
  } finally {
    socket.close();
  }
}

// Loading the whole engine under ts transpilation is most of this file's time: on a loaded machine it passes tap's 30 s default.
t.setTimeout(120_000);

t.test('script_params reach b2b.param; b2bRequest / b2bReply become the global routes', async (t) => {
  const lines: LogLine[] = [];
  const config = parseConfigOrThrow({
    file: { name: 'b2b.yaml', text: 'script_params:\n  greeting: hello\n' },
    overrides: ['listen=udp:127.0.0.1:0', 'mi=false', 'script_params.answer=42'],
  });
  const routes = defineScript({
    request(_msg, b2b) { b2b.reply(200, 'OK', { headers: { 'X-Greeting': `${b2b.param('greeting')} ${b2b.param('answer')}` } }); },
    b2bRequest(_msg, b2b) { b2b.passRequest(); },
    b2bReply(_msg, b2b) { b2b.handleReply(); },
  });
  const engine = await startEngine(config, { logger: memoryLogger(lines), script: { file: __filename, routes } });
  t.teardown(() => engine.stop('leave'));
  const answer = await optionsAnswer(engine.sip[0]!.local.port);
  t.match(answer, /^SIP\/2\.0 200 OK\r\n/);
  t.match(answer, /\r\nX-Greeting: hello 42\r\n/);
  const installed = (engine.logic as unknown as { globalRoutes: LogicRoutes | undefined }).globalRoutes;
  t.type(installed?.request, 'function');
  t.type(installed?.reply, 'function');
  t.equal(installed?.request?.name, 'b2bRequest');
});
