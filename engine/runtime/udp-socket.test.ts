/** UDP sockets ask the kernel for a large receive buffer, so a stalled event loop does not lose datagrams. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { UDP_BUFFER_BYTES, UdpSocket } from './udp-socket';

function rmemMax(): number | undefined {
  try {
    return Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8').trim());
  } catch {
    return undefined;
  }
}

t.test('a bound SIP UDP socket gets the larger receive buffer, up to what the kernel allows', async (t) => {
  const socket = await UdpSocket.bind('127.0.0.1', 0, 4, () => undefined);
  try {
    const cap = rmemMax();
    // Without /proc (not Linux) the exact grant is unknown; the default is well under 1 MiB everywhere.
    const expected = Math.min(UDP_BUFFER_BYTES, cap ?? UDP_BUFFER_BYTES);
    t.ok(socket.recvBufferBytes >= expected, `granted ${socket.recvBufferBytes} bytes, asked ${UDP_BUFFER_BYTES}, cap ${cap}`);
  } finally {
    await socket.close();
  }
});
