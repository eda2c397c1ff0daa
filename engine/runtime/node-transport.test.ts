/** NodeTransport on real loopback sockets, below SIP: bytes in, bytes out, failures, cleanup. */
import t from 'tap';
import { networkInterfaces } from 'node:os';
import { createServer } from 'node:net';
import type { InboundPacket, OutboundPacket, TransportFailure } from '../ports/transport';
import { NodeTransport, NodeTransportError } from './node-transport';

const hasIpv6Loopback = Object.values(networkInterfaces()).some((list) => (list ?? []).some((i) => i.family === 'IPv6' && i.address === '::1'));

function inbox(transport: NodeTransport): { packets: InboundPacket[]; next(): Promise<InboundPacket> } {
  const packets: InboundPacket[] = [];
  let waiter: ((p: InboundPacket) => void) | undefined;
  transport.onReceive((p) => {
    packets.push(p);
    const w = waiter;
    waiter = undefined;
    w?.(p);
  });
  return {
    packets,
    next: () => new Promise((resolve) => {
      if (packets.length > 0) resolve(packets.shift()!);
      else waiter = (p) => resolve(packets.shift() ?? p);
    }),
  };
}

function failures(transport: NodeTransport): { next(): Promise<[TransportFailure, OutboundPacket]> } {
  const queue: Array<[TransportFailure, OutboundPacket]> = [];
  let waiter: (() => void) | undefined;
  transport.onFailure((f, p) => {
    queue.push([f, p]);
    const w = waiter;
    waiter = undefined;
    w?.();
  });
  return {
    next: () => new Promise((resolve) => {
      if (queue.length > 0) resolve(queue.shift()!);
      else waiter = () => resolve(queue.shift()!);
    }),
  };
}

const bytes = (s: string): Uint8Array => Buffer.from(s);

t.test('port 0 binds report the real port; advertised defaults to the bound address', async (t) => {
  const a = await NodeTransport.open({ listen: ['udp:127.0.0.1:0', 'tcp:127.0.0.1:0'] });
  t.teardown(() => a.close());
  t.equal(a.listenPoints.length, 2);
  for (const p of a.listenPoints) {
    t.ok(p.local.port > 0, `${p.protocol} bound to ${p.local.port}`);
    t.same(p.advertised, { host: '127.0.0.1', port: p.local.port });
  }
  t.equal(a.listenPoints[0]!.local.port, a.listenPoints[1]!.local.port, 'UDP and TCP on port 0 share one port number');
  t.ok(a.isReliable('tcp'));
  t.notOk(a.isReliable('udp'));
});

t.test('bad specs fail with a coded error', async (t) => {
  await t.rejects(NodeTransport.open({ listen: ['sctp:127.0.0.1:0'] }), { code: 'bad-listen-spec' });
  await t.rejects(NodeTransport.open({ listen: [] }), { code: 'bad-listen-spec' });
  await t.rejects(NodeTransport.open({ listen: ['udp:127.0.0.1:0'], tcpIdleTimeoutMs: 0 }), { code: 'bad-option' });
});

t.test('a port already in use fails the open and closes what was opened', async (t) => {
  const a = await NodeTransport.open({ listen: ['tcp:127.0.0.1:0'] });
  t.teardown(() => a.close());
  const taken = a.listenPoints[0]!.local.port;
  await t.rejects(NodeTransport.open({ listen: ['udp:127.0.0.1:0', `tcp:127.0.0.1:${taken}`] }), { code: 'bind-failed' });
});

t.test('UDP datagrams go both ways from the bound ports', async (t) => {
  const a = await NodeTransport.open({ listen: ['udp:127.0.0.1:0'] });
  const b = await NodeTransport.open({ listen: ['udp:127.0.0.1:0'] });
  t.teardown(() => Promise.all([a.close(), b.close()]));
  const inB = inbox(b);
  const inA = inbox(a);
  const aPoint = a.listenPoints[0]!;
  const bPoint = b.listenPoints[0]!;
  a.send({ protocol: 'udp', local: aPoint.local, destination: bPoint.local, data: bytes('ping') });
  const got = await inB.next();
  t.equal(Buffer.from(got.data).toString(), 'ping');
  t.same(got.source, aPoint.local, 'source is the sending listen socket');
  t.same(got.local, bPoint.local);
  t.equal(got.connectionId, undefined);
  b.send({ protocol: 'udp', local: bPoint.local, destination: got.source, data: bytes('pong') });
  t.equal(Buffer.from((await inA.next()).data).toString(), 'pong');
});

t.test('TCP: connect on demand, the reply reuses the same connection', async (t) => {
  const a = await NodeTransport.open({ listen: ['tcp:127.0.0.1:0'] });
  const b = await NodeTransport.open({ listen: ['tcp:127.0.0.1:0'] });
  t.teardown(() => Promise.all([a.close(), b.close()]));
  const inA = inbox(a);
  const inB = inbox(b);
  const closedOnB: string[] = [];
  b.onConnectionClosed((id) => closedOnB.push(id));
  a.send({ protocol: 'tcp', destination: b.listenPoints[0]!.local, data: bytes('hello') });
  const got = await inB.next();
  t.equal(Buffer.from(got.data).toString(), 'hello');
  t.type(got.connectionId, 'string');
  b.send({ protocol: 'tcp', destination: { host: '127.0.0.1', port: 9 }, connectionId: got.connectionId!, data: bytes('back') });
  const back = await inA.next();
  t.equal(Buffer.from(back.data).toString(), 'back', 'came back on the open connection, not to port 9');
  t.equal(a.connectionCount, 1);
  t.equal(b.connectionCount, 1);
  a.send({ protocol: 'tcp', destination: b.listenPoints[0]!.local, data: bytes('again') });
  const again = await inB.next();
  t.equal(again.connectionId, got.connectionId, 'a second request to the same address reuses the connection');
  t.equal(a.connectionCount, 1);
  b.closeConnection(got.connectionId!);
  await new Promise((r) => setTimeout(r, 50));
  t.same(closedOnB, [got.connectionId]);
  t.equal(a.connectionCount, 0, 'the peer saw the close too');
});

t.test('a closed connection id falls back to connecting to the destination (§18.2.2)', async (t) => {
  const a = await NodeTransport.open({ listen: ['tcp:127.0.0.1:0'] });
  const b = await NodeTransport.open({ listen: ['tcp:127.0.0.1:0'] });
  t.teardown(() => Promise.all([a.close(), b.close()]));
  const inA = inbox(a);
  inbox(b);
  b.send({ protocol: 'tcp', connectionId: 'tcp-999', destination: a.listenPoints[0]!.local, data: bytes('reconnected') });
  const got = await inA.next();
  t.equal(Buffer.from(got.data).toString(), 'reconnected');
});

t.test('a refused TCP connect reports every queued packet', async (t) => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const a = await NodeTransport.open({ listen: ['tcp:127.0.0.1:0'] });
  t.teardown(() => a.close());
  const fails = failures(a);
  a.send({ protocol: 'tcp', destination: { host: '127.0.0.1', port }, data: bytes('one') });
  a.send({ protocol: 'tcp', destination: { host: '127.0.0.1', port }, data: bytes('two') });
  const [f1, p1] = await fails.next();
  const [f2, p2] = await fails.next();
  t.equal(f1.kind, 'connection-refused');
  t.same(f1.destination, { host: '127.0.0.1', port });
  t.same([Buffer.from(p1.data).toString(), Buffer.from(p2.data).toString()], ['one', 'two']);
  t.equal(f2.kind, 'connection-refused');
  await new Promise((r) => setTimeout(r, 10));
  t.equal(a.connectionCount, 0);
});

t.test('unsupported protocols and missing families fail asynchronously, never throw', async (t) => {
  const a = await NodeTransport.open({ listen: ['udp:127.0.0.1:0'] });
  t.teardown(() => a.close());
  const fails = failures(a);
  t.doesNotThrow(() => a.send({ protocol: 'tls', destination: { host: '127.0.0.1', port: 5061 }, data: bytes('x') }));
  t.doesNotThrow(() => a.send({ protocol: 'udp', destination: { host: '::1', port: 5060 }, data: bytes('x') }));
  t.equal((await fails.next())[0].kind, 'unreachable');
  t.equal((await fails.next())[0].kind, 'unreachable');
});

t.test('an idle TCP connection is closed after the idle timeout', async (t) => {
  const a = await NodeTransport.open({ listen: ['tcp:127.0.0.1:0'], tcpIdleTimeoutMs: 50 });
  const b = await NodeTransport.open({ listen: ['tcp:127.0.0.1:0'] });
  t.teardown(() => Promise.all([a.close(), b.close()]));
  inbox(a);
  const inB = inbox(b);
  const closed = new Promise<string>((resolve) => a.onConnectionClosed(resolve));
  a.send({ protocol: 'tcp', destination: b.listenPoints[0]!.local, data: bytes('x') });
  await inB.next();
  t.match(await closed, /^tcp-/);
  t.equal(a.connectionCount, 0);
});

t.test('IPv6 loopback, UDP and TCP', { skip: hasIpv6Loopback ? false : 'this machine has no ::1 interface' }, async (t) => {
  const a = await NodeTransport.open({ listen: ['udp:[::1]:0', 'tcp:[::1]:0'] });
  const b = await NodeTransport.open({ listen: ['udp:[::1]:0', 'tcp:[::1]:0'] });
  t.teardown(() => Promise.all([a.close(), b.close()]));
  const inB = inbox(b);
  a.send({ protocol: 'udp', destination: b.listenPoints[0]!.local, data: bytes('v6 udp') });
  const u = await inB.next();
  t.equal(u.source.host, '::1');
  a.send({ protocol: 'tcp', destination: b.listenPoints[1]!.local, data: bytes('v6 tcp') });
  const c = await inB.next();
  t.equal(Buffer.from(c.data).toString(), 'v6 tcp');
  t.equal(c.source.host, '::1');
});

t.test('close() is idempotent and a closed transport reports sends as failures', async (t) => {
  const a = await NodeTransport.open({ listen: ['tcp:127.0.0.1:0', 'udp:127.0.0.1:0'] });
  const fails = failures(a);
  await a.close();
  await a.close();
  a.send({ protocol: 'tcp', destination: { host: '127.0.0.1', port: 1 }, data: bytes('x') });
  a.send({ protocol: 'udp', destination: { host: '127.0.0.1', port: 1 }, data: bytes('x') });
  t.equal((await fails.next())[0].kind, 'connection-closed');
  t.equal((await fails.next())[0].kind, 'unreachable');
});

t.test('NodeTransportError carries its code', async (t) => {
  const e = new NodeTransportError('bad-option', 'x');
  t.equal(e.code, 'bad-option');
  t.ok(e instanceof Error);
});
