/**
 * The SIP transport layer (RFC 3261 §18, RFC 3581) over any Transport port: stamps Via on the way
 * out and in, routes responses, moves oversized UDP requests to TCP, frames streams, and hands
 * parsed messages to the transaction layer.
 */
import type { InboundPacket, Logger, OutboundPacket, SocketAddress, Transport, TransportFailure, TransportProtocol } from '../ports';
import type { SipRequest, SipResponse } from '../sip/message';
import { createBadRequestResponse, parseMessage, serializeMessage, validateParseLimits, type ParseLimits, type SipParseError } from '../sip';
import { addressFamily, formatHostPort } from './address';
import { sentByMatches, type ListenPoint } from './listen-point';
import { routeResponse } from './response-route';
import { StreamBuffers } from './stream-buffers';
import {
  defaultTransportLayerConfig, TransportConfigError, udpThresholdBytes, validateTransportLayerConfig, type TransportLayerConfig,
} from './transport-config';
import type { Destination, ReceiveContext, SendOutcome, TransportLayer, TransportUser } from './transport-layer';
import { badRequestRoute } from './bad-request-route';
import { stampReceived, stampSentBy } from './via-stamping';

export interface SipTransportLayerOptions {
  readonly transport: Transport;
  readonly listen: readonly ListenPoint[];
  readonly user: TransportUser;
  readonly limits?: Partial<ParseLimits>;
  readonly logger: Logger;
  readonly config?: Partial<TransportLayerConfig>;
}

export class SipTransportLayer implements TransportLayer {
  private readonly transport: Transport;
  private readonly listen: readonly ListenPoint[];
  private readonly user: TransportUser;
  private readonly limits: Partial<ParseLimits> | undefined;
  private readonly logger: Logger;
  private readonly config: TransportLayerConfig;
  private readonly udpThreshold: number;
  private readonly streams: StreamBuffers;

  constructor(options: SipTransportLayerOptions) {
    this.config = { ...defaultTransportLayerConfig, ...options.config };
    const problems = [
      ...validateTransportLayerConfig(this.config),
      ...(options.limits !== undefined ? validateParseLimits(options.limits).map((e) => e.reason) : []),
    ];
    if (problems.length > 0) throw new TransportConfigError(problems);
    if (options.listen.length === 0) throw new TransportConfigError(['listen must name at least one listen point']);
    this.transport = options.transport;
    this.listen = options.listen;
    this.user = options.user;
    this.limits = options.limits;
    this.logger = options.logger;
    this.udpThreshold = udpThresholdBytes(this.config);
    this.streams = new StreamBuffers(options.limits);
    this.transport.onFailure((failure, packet) => this.onFailure(failure, packet));
  }

  isReliable(protocol: TransportProtocol): boolean {
    return this.transport.isReliable(protocol);
  }

  sendRequest(request: SipRequest, destination: Destination): { readonly outcome: SendOutcome; readonly sent: SipRequest; readonly bytes?: Uint8Array } {
    let protocol = destination.protocol;
    let point = this.pointFor(protocol, destination.address.host);
    if (point === undefined) {
      return { outcome: unsupported(`no ${protocol} listen point for ${destination.address.host}`), sent: request };
    }
    let sent = stampSentBy(request, protocol, point, this.config.addRport);
    let bytes = serializeMessage(sent);
    if (protocol === 'udp' && bytes.length > this.udpThreshold) {
      // §18.1.1: over the threshold a request MUST use a congestion-controlled transport; the Via follows.
      const tcp = this.pointFor('tcp', destination.address.host);
      if (tcp !== undefined) {
        protocol = 'tcp';
        point = tcp;
        sent = stampSentBy(request, protocol, point, this.config.addRport);
        bytes = serializeMessage(sent);
      } else if (this.config.oversizeUdp === 'reject') {
        const reason = `${bytes.length}-byte request exceeds the ${this.udpThreshold}-byte UDP threshold and there is no TCP listen point`;
        return { outcome: { ok: false, code: 'too-large', reason }, sent: request };
      } else {
        this.logger.warn({ bytes: bytes.length, thresholdBytes: this.udpThreshold }, 'oversized UDP request sent without a TCP listen point');
      }
    }
    const connectionId = protocol === destination.protocol ? destination.connectionId : undefined;
    this.transport.send(packet(protocol, point.local, destination.address, connectionId, bytes));
    return { outcome: { ok: true, protocol, destination: destination.address }, sent, bytes };
  }

  sendResponse(response: SipResponse, context: ReceiveContext): SendOutcome {
    const route = routeResponse(response.topVia, context, this.isReliable(context.protocol));
    if (!route.ok) {
      this.logger.warn({ status: response.status, reason: route.reason }, 'response has no route');
      return { ok: false, code: route.code, reason: route.reason };
    }
    this.transport.send(packet(route.protocol, route.local, route.destination, route.connectionId, serializeMessage(response)));
    return { ok: true, protocol: route.protocol, destination: route.destination };
  }

  resend(bytes: Uint8Array, destination: Destination): void {
    const point = this.pointFor(destination.protocol, destination.address.host);
    this.transport.send(packet(destination.protocol, point?.local, destination.address, destination.connectionId, bytes));
  }

  /** The socket owner calls this with every datagram or stream chunk. */
  receive(inbound: InboundPacket): void {
    if (inbound.protocol === 'udp') {
      this.onMessageBytes(inbound.data, inbound);
      return;
    }
    if (inbound.connectionId === undefined) throw new Error(`${inbound.protocol} packet without a connectionId: the socket owner must name the connection`);
    const connectionId = inbound.connectionId;
    const framed = this.streams.push(connectionId, inbound.data);
    for (const message of framed.messages) this.onMessageBytes(message, inbound);
    for (let i = 0; i < framed.keepAlivePings; i++) {
      // RFC 5626 §3.5.1: a CRLFCRLF ping on a stream is answered with a CRLF pong.
      this.transport.send(packet(inbound.protocol, inbound.local, inbound.source, connectionId, CRLF));
    }
    if (framed.error !== undefined) {
      // §18.3: on a stream, framing depends on Content-Length; once it is lost the connection is unusable.
      this.logger.warn({ connectionId, source: formatHostPort(inbound.source.host, inbound.source.port), error: framed.error }, 'stream framing error; closing the connection');
      this.streams.drop(connectionId);
      this.transport.closeConnection?.(connectionId);
    }
  }

  /** The socket owner calls this when a stream connection ends, so its framing buffer goes too. */
  connectionClosed(connectionId: string): void {
    this.streams.drop(connectionId);
  }

  /** Connections with buffered partial messages (tests check cleanup). */
  get bufferedConnectionCount(): number {
    return this.streams.size;
  }

  private onMessageBytes(data: Uint8Array, inbound: InboundPacket): void {
    if (isKeepAlive(data)) return;
    const context: ReceiveContext = {
      protocol: inbound.protocol, local: inbound.local, source: inbound.source,
      ...(inbound.connectionId !== undefined ? { connectionId: inbound.connectionId } : {}),
    };
    const parsed = parseMessage(data, this.limits);
    if (!parsed.ok) {
      this.onUnparseable(parsed.error, context);
      return;
    }
    const message = parsed.message;
    if (message.kind === 'request') {
      this.user.onRequest(stampReceived(message, inbound.source), context);
      return;
    }
    const via = message.topVia;
    if (!sentByMatches(this.listen, via.host, via.port)) {
      // §18.1.2: a response whose sent-by is not ours MUST be silently discarded.
      this.logger.debug({ sentBy: formatHostPort(via.host, via.port), status: message.status }, 'response sent-by is not ours; dropped');
      return;
    }
    this.user.onResponse(message, context);
  }

  private onUnparseable(error: SipParseError, context: ReceiveContext): void {
    const source = formatHostPort(context.source.host, context.source.port);
    if (error.isRequest === false || !error.canReply) {
      this.logger.info({ source, code: error.code, reason: error.reason, isRequest: error.isRequest ?? null }, 'unparseable message dropped');
      return;
    }
    const bytes = createBadRequestResponse(error);
    if (bytes === undefined) {
      this.logger.info({ source, code: error.code, reason: error.reason }, 'unparseable request dropped (no 400 could be built)');
      return;
    }
    const route = badRequestRoute(bytes, context, this.isReliable(context.protocol), this.limits);
    this.logger.info({ source, code: error.code, reason: error.reason }, 'unparseable request answered with 400');
    this.transport.send(packet(route.protocol, route.local, route.destination, route.connectionId, bytes));
  }

  private onFailure(failure: TransportFailure, sent: OutboundPacket): void {
    const destination: Destination = {
      protocol: sent.protocol, address: failure.destination,
      ...(sent.connectionId !== undefined ? { connectionId: sent.connectionId } : {}),
    };
    this.user.onTransportError(destination, `${failure.kind}: ${failure.detail}`);
  }

  /** A listen point of that protocol and of the destination's address family (any family for a name). */
  private pointFor(protocol: TransportProtocol, host: string): ListenPoint | undefined {
    const family = addressFamily(host);
    for (const point of this.listen) {
      if (point.protocol === protocol && (family === undefined || addressFamily(point.local.host) === family)) return point;
    }
    return undefined;
  }
}

function packet(protocol: TransportProtocol, local: SocketAddress | undefined, destination: SocketAddress, connectionId: string | undefined, data: Uint8Array): OutboundPacket {
  return {
    protocol, destination, data,
    ...(local !== undefined ? { local } : {}),
    ...(connectionId !== undefined ? { connectionId } : {}),
  };
}

const CRLF = new Uint8Array([0x0d, 0x0a]);

function unsupported(reason: string): SendOutcome {
  return { ok: false, code: 'unsupported-transport', reason };
}

/** CRLF keep-alives (RFC 5626 §3.5.1) and empty datagrams carry no message. */
function isKeepAlive(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    if (b !== 0x0d && b !== 0x0a) return false;
  }
  return true;
}
