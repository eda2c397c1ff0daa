/**
 * End to end through `startEngine`: two real-socket UAs make one call through the shipped top-hiding
 * script (R-URI at the engine → `upstream`), `b2b_logic:list` shows it, `b2b_logic:terminate_call` ends it.
 */
import t from 'tap';
import { parseUri } from '../../engine/sip';
import type { SipRequest } from '../../engine/sip/message';
import { parseConfigOrThrow } from '../../engine/config';
import { startEngine } from '../../engine/runtime/engine-runtime';
import { memoryLogger, type LogLine } from '../../engine/script/test-support';
import { runMi } from '../../cli/commands/mi';
import { openNodeUa } from '../dialog/node-ua';
import { recordedIo } from './cli-io';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
    promise.then((v) => { clearTimeout(guard); resolve(v); }, (e: unknown) => { clearTimeout(guard); reject(e); });
  });
}

t.test('one call through the top-hiding script, listed and terminated over MI', async (t) => {
  const bobEnded = deferred<string>();
  const bobConfirmed = deferred<void>();
  let bobInvite: SipRequest | undefined;
  const bob = await openNodeUa('udp', {
    onInvite: (invite) => {
      bobInvite = invite.request;
      const session = invite.accept();
      if (session === undefined) return;
      session.handler = {
        onConfirmed: () => bobConfirmed.resolve(),
        onTerminated: (_s, reason) => bobEnded.resolve(reason),
      };
    },
  });
  const alice = await openNodeUa('udp');
  const lines: LogLine[] = [];
  const config = parseConfigOrThrow({
    overrides: ['listen=udp:127.0.0.1:0', 'mi.listen=127.0.0.1:0', `upstream=sip:127.0.0.1:${bob.port}`],
  });
  const engine = await startEngine(config, { logger: memoryLogger(lines) });
  t.teardown(async () => {
    await engine.stop('leave');
    await alice.close();
    await bob.close();
  });
  const enginePort = engine.sip[0]!.local.port;

  const aliceAccepted = deferred<void>();
  const aliceEnded = deferred<string>();
  const inviteSent = alice.stack.core.invite({ to: { uri: parseUri(`sip:service@127.0.0.1:${enginePort}`)!, params: new Map() } }, {
    onAccepted: (session) => {
      session.handler = { onTerminated: (_s, reason) => aliceEnded.resolve(reason) };
      aliceAccepted.resolve();
    },
    onFailed: (status) => aliceEnded.resolve(`failed ${status}`),
  });
  await within(aliceAccepted.promise, 5000, 'alice answered');
  await within(bobConfirmed.promise, 5000, 'bob ACKed');

  // What reached Bob: the R-URI retargeted to the upstream, nothing of Alice's side.
  t.ok(bobInvite !== undefined);
  t.equal(bobInvite!.uriText, `sip:service@127.0.0.1:${bob.port}`, 'R-URI at the engine went to upstream, user kept');
  t.not(bobInvite!.callId, inviteSent.request.callId, 'a new Call-ID');
  t.equal(bobInvite!.vias.length, 1, 'only the engine\'s Via');
  t.notMatch(bobInvite!.header('contact') ?? '', new RegExp(`:${alice.port}`), 'no Contact of Alice');

  const list = recordedIo();
  t.equal(await runMi(['b2b_logic:list', '--url', engine.mi!.url], list), 0);
  const tuples = (JSON.parse(list.out.join('')) as { Tuples: Array<{ key: string; scenario: string }> }).Tuples;
  t.equal(tuples.length, 1, 'the call is listed');
  t.equal(tuples[0]!.scenario, 'top hiding');

  const entities = recordedIo();
  t.equal(await runMi(['b2b_entities:list', '--url', engine.mi!.url], entities), 0);
  const listed = JSON.parse(entities.out.join('')) as Record<string, Array<{ logic_key: string }>>;
  t.equal(listed['Server Entities']!.length, 1);
  t.equal(listed['Client Entities']!.length, 1);
  t.equal(listed['Server Entities']![0]!.logic_key, tuples[0]!.key);

  const terminate = recordedIo();
  t.equal(await runMi(['b2b_logic:terminate_call', tuples[0]!.key, '--url', engine.mi!.url], terminate), 0);
  t.equal(await within(aliceEnded.promise, 5000, 'alice got BYE'), 'bye-received');
  t.equal(await within(bobEnded.promise, 5000, 'bob got BYE'), 'bye-received');

  // The BYE transactions complete; the session and its entities go.
  const until = Date.now() + 5000;
  while (engine.stack.counts().sessions + engine.stack.counts().servers + engine.stack.counts().clients > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const counts = engine.stack.counts();
  t.same([counts.sessions, counts.servers, counts.clients], [0, 0, 0], 'nothing left');
  const again = recordedIo();
  t.equal(await runMi(['b2b_logic:terminate_call', tuples[0]!.key, '--url', engine.mi!.url], again), 1, 'gone: 404');
  t.ok(lines.some((l) => l.level === 'info' && l.message === 'call start' && l.fields.key === tuples[0]!.key), 'call start logged');
  t.ok(lines.some((l) => l.level === 'info' && l.message === 'call end' && l.fields.key === tuples[0]!.key), 'call end logged');
  t.same(lines.filter((l) => l.level === 'error'), [], 'no errors logged');
});

t.test('shutdown: bye ends a live call with BYE to both sides', async (t) => {
  const bobEnded = deferred<string>();
  const bob = await openNodeUa('udp', {
    onInvite: (invite) => {
      const session = invite.accept();
      if (session !== undefined) session.handler = { onTerminated: (_s, reason) => bobEnded.resolve(reason) };
    },
  });
  const alice = await openNodeUa('udp');
  t.teardown(async () => { await alice.close(); await bob.close(); });
  const config = parseConfigOrThrow({ overrides: ['listen=udp:127.0.0.1:0', 'mi=false'] });
  const engine = await startEngine(config, { logger: memoryLogger([]) });
  const enginePort = engine.sip[0]!.local.port;
  const accepted = deferred<void>();
  const aliceEnded = deferred<string>();
  // An R-URI that is not the engine: top hiding goes where it points.
  alice.stack.core.invite({
    to: { uri: parseUri(`sip:bob@127.0.0.1:${bob.port}`)!, params: new Map() },
    destination: { protocol: 'udp', address: { host: '127.0.0.1', port: enginePort } },
  }, {
    onAccepted: (session) => { session.handler = { onTerminated: (_s, reason) => aliceEnded.resolve(reason) }; accepted.resolve(); },
    onFailed: (status) => aliceEnded.resolve(`failed ${status}`),
  });
  await within(accepted.promise, 5000, 'call up');
  t.equal(engine.logic.counts.sessions, 1);
  await engine.stop();
  t.equal(await within(aliceEnded.promise, 5000, 'alice BYE'), 'bye-received');
  t.equal(await within(bobEnded.promise, 5000, 'bob BYE'), 'bye-received');
  t.equal(engine.logic.counts.sessions, 0, 'the session ended before the sockets closed');
});
