/** Tests of host crash and restart: in-flight packets and timers die, connections break, persisted state survives. */
import t from 'tap';
import { World } from './world';
import { addRecorderHost } from './recorder-host';
import type { HostContext } from './host';

interface Counter {
  ctx: HostContext;
  ticks: number;
  loaded: unknown;
}

function world(seed: number) {
  const w = new World({ seed });
  const events: string[] = [];
  const counter = w.addHost<Counter>({
    name: 'engine',
    addresses: ['10.0.0.5'],
    listen: [{ protocol: 'udp', port: 5060 }, { protocol: 'tcp', port: 5060 }],
    build: (ctx) => {
      const app: Counter = { ctx, ticks: 0, loaded: undefined };
      const tick = (): void => {
        app.ticks++;
        ctx.persisted.set('ticks', (ctx.persisted.get('ticks') as number | undefined ?? 0) + 1);
        ctx.timers.schedule(100, tick);
      };
      ctx.timers.schedule(100, tick);
      ctx.onPacket((p) => events.push(`rx#${ctx.incarnation} ${new TextDecoder().decode(p.data)}`));
      return app;
    },
    onCrash: (app) => events.push(`crash after ${app.ticks} ticks`),
    onRestart: (app, ctx) => {
      app.loaded = ctx.persisted.get('ticks');
      events.push(`restart #${ctx.incarnation} loaded ${String(app.loaded)}`);
    },
  });
  const peer = addRecorderHost(w, 'peer', '10.0.0.6', [{ protocol: 'udp', port: 5060 }, { protocol: 'tcp', port: 5060 }]);
  return { w, counter, peer, events };
}

const ENGINE = { host: '10.0.0.5', port: 5060 };

t.test('a crash stops the host timers and drops its in-flight packets both ways', async (t) => {
  const { w, counter, peer, events } = world(301);
  await w.run({ untilMs: 350 });
  t.equal(counter.app.ticks, 3);
  const oldCtx = counter.ctx;
  peer.send(ENGINE, 'to engine');
  oldCtx.transport.send({ protocol: 'udp', destination: { host: '10.0.0.6', port: 5060 }, data: new TextEncoder().encode('from engine') });
  w.at(355, 'crash', () => w.crash('engine'));
  await w.run({ untilMs: 2000 });
  t.same(events, ['crash after 3 ticks']);
  t.same(peer.received, [], 'the packet the engine sent before crashing is lost');
  t.equal(w.network.stats.dropped.crashed, 2);
  t.equal(counter.state, 'down');
  t.throws(() => counter.app, 'a down host has no app');
  t.equal(w.pendingEvents, 0, 'no timer of the dead host is left in the queue');
  oldCtx.transport.send({ protocol: 'udp', destination: { host: '10.0.0.6', port: 5060 }, data: new Uint8Array(1) });
  oldCtx.timers.schedule(1, () => events.push('zombie timer'));
  await w.run({ untilMs: 3000 });
  t.equal(peer.received.length, 0, 'the dead incarnation cannot send');
  t.same(events, ['crash after 3 ticks'], 'nor run timers');
});

t.test('restart rebuilds the host with a new incarnation and its persisted state', async (t) => {
  const { w, counter, peer, events } = world(302);
  await w.run({ untilMs: 350 });
  w.crash('engine');
  await w.run({ untilMs: 1000 });
  w.restart('engine');
  t.equal(counter.incarnation, 1);
  t.equal(counter.app.loaded, 3);
  peer.send(ENGINE, 'hello again');
  await w.run({ untilMs: 1250 });
  t.equal(counter.app.ticks, 2, 'the new incarnation ticks from its own start');
  t.same(events, ['crash after 3 ticks', 'restart #1 loaded 3', 'rx#1 hello again']);
  t.throws(() => w.restart('engine'), { code: 'SIM_CONFIG' });
  t.match(w.trace.format(), /crash\s+"engine#0"[\s\S]*restart\s+"engine#1"/);
  t.not(counter.ctx.random.label, 'root/host:engine#0', 'a new random stream per incarnation');
});

t.test('a crash breaks stream connections; the peer reconnects to the restarted host', async (t) => {
  const { w, peer, events } = world(303);
  peer.send(ENGINE, 'over tcp', 'tcp');
  await w.run({ untilMs: 50 });
  w.crash('engine');
  peer.send(ENGINE, 'while down', 'tcp');
  await w.run({ untilMs: 100 });
  t.same(peer.failures.map((f) => f.kind), ['connection-refused']);
  w.restart('engine');
  peer.send(ENGINE, 'after restart', 'tcp');
  await w.run({ untilMs: 200 });
  t.same(events.filter((e) => e.startsWith('rx')), ['rx#0 over tcp', 'rx#1 after restart']);
});
