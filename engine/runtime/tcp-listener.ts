/** A listening TCP socket (RFC 3261 §18 over TCP): accepts connections and hands them to the connection table. */
import { createServer, type Server } from 'node:net';
import type { SocketAddress } from '../ports/transport';
import type { TcpConnectionTable } from './tcp-connection-table';

export class TcpListener {
  private constructor(private readonly server: Server, readonly local: SocketAddress) {}

  static listen(host: string, port: number, family: 4 | 6, table: TcpConnectionTable): Promise<TcpListener> {
    return new Promise((resolve, reject) => {
      const server = createServer({ noDelay: true }, (socket) => {
        table.adopt(socket);
      });
      server.once('error', reject);
      server.listen({ host, port, ipv6Only: family === 6 }, () => {
        server.off('error', reject);
        const address = server.address();
        const boundPort = typeof address === 'object' && address !== null ? address.port : port;
        resolve(new TcpListener(server, { host, port: boundPort }));
      });
    });
  }

  /** Stops accepting; open connections are the table's to close. */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
