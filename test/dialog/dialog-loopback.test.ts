/** INVITE/200/ACK/BYE between two UAs made of the layers on real loopback sockets (UDP and TCP, port 0). */
import t from 'tap';
import { parseUri } from '../../engine/sip';
import { openNodeUa } from './node-ua';

for (const protocol of ['udp', 'tcp'] as const) {
  t.test(`a call completes over ${protocol.toUpperCase()} loopback`, async (t) => {
    const ended: Record<string, string> = {};
    let acked = false;
    const bob = await openNodeUa(protocol, {
      onInvite: (invite) => {
        const session = invite.accept();
        if (session === undefined) return;
        session.handler = {
          onConfirmed: () => { acked = true; },
          onTerminated: (_s, reason) => { ended.bob = reason; },
        };
      },
    });
    const alice = await openNodeUa(protocol);
    t.teardown(async () => {
      await alice.close();
      await bob.close();
    });
    const suffix = protocol === 'tcp' ? ';transport=tcp' : '';
    const to = { uri: parseUri(`sip:bob@127.0.0.1:${bob.port}${suffix}`)!, params: new Map() };
    const done = new Promise<void>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error('call did not end within 10 s')), 10_000);
      alice.stack.core.invite({ to }, {
        onAccepted: (session) => {
          session.handler = {
            onTerminated: (_s, reason) => {
              ended.alice = reason;
              clearTimeout(guard);
              // Give Bob's 200 to the BYE time to arrive before sockets close.
              setTimeout(resolve, 100);
            },
          };
          session.bye();
        },
        onFailed: (status) => {
          clearTimeout(guard);
          reject(new Error(`call failed with ${status}`));
        },
      });
    });
    await done;
    t.same(ended, { alice: 'bye-sent', bob: 'bye-received' });
    t.equal(acked, true, 'Bob saw the ACK for his 2xx');
    // The INVITE client transaction (and so the outgoing INVITE) lingers for Timer M (RFC 6026) to ACK late 2xx.
    t.same(alice.stack.core.counts, { sessions: 0, incomingInvites: 0, outgoingInvites: 1 });
    t.same(bob.stack.core.counts, { sessions: 0, incomingInvites: 0, outgoingInvites: 0 });
    t.same([...alice.errors, ...bob.errors], []);
  });
}
