/** The management endpoint on HTTP (like OpenSIPS mi_http): JSON-RPC 2.0 on POST /mi (and /json), localhost by default. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleJsonRpc } from '../mgmt/json-rpc';
import type { MiRegistry } from '../mgmt/mi-registry';
import type { MiTarget } from '../mgmt/mi-types';

export interface MiHttpServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port/mi`. */
  readonly url: string;
  close(): Promise<void>;
}

const PATHS = new Set(['/mi', '/json']);
/** Management requests are small; anything bigger is refused rather than buffered. */
const MAX_BODY_BYTES = 1 << 20;

export async function startMiHttpServer(host: string, port: number, registry: MiRegistry, target: MiTarget): Promise<MiHttpServer> {
  const server = createServer((req, res) => handle(req, res, registry, target));
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    host: address.address,
    port: address.port,
    url: `http://${shown}:${address.port}/mi`,
    close: () => closeServer(server),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, registry: MiRegistry, target: MiTarget): void {
  const path = (req.url ?? '/').split('?')[0]!;
  if (!PATHS.has(path)) return plain(res, 404, 'not found: POST JSON-RPC 2.0 to /mi\n');
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return plain(res, 405, 'method not allowed: POST JSON-RPC 2.0 to /mi\n');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES && !refused) {
      refused = true;
      plain(res, 413, 'request too large\n');
      req.destroy();
      return;
    }
    if (!refused) chunks.push(chunk);
  });
  req.on('end', () => {
    if (refused) return;
    const reply = handleJsonRpc(Buffer.concat(chunks).toString('utf8'), registry, target);
    if (reply === undefined) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(reply);
  });
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain' }).end(text);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
