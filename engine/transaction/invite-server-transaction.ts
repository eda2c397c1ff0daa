/**
 * The INVITE server transaction (RFC 3261 §17.2.1, Figure 7) with RFC 6026's Accepted state and Timer L (§7.1, §8.5-§8.7).
 * 100 Trying goes out `trying100DelayMs` (default 200) after the INVITE unless the TU has answered by then:
 * §17.2.1 lets a server skip it when the TU answers within 200 ms, and a B2BUA that rejects or
 * challenges at once saves a packet; a retransmitted INVITE before then gets the 100 at once.
 */
import { createResponse } from '../sip';
import type { SipRequest, SipResponse } from '../sip/message';
import type { ReceiveContext } from '../transport/transport-layer';
import type { OutboundResponse } from './outbound-response';
import { assertNever, cancelTimer, NO_TIMER, type TransactionEnv } from './transaction-env';
import { checkResponseStatus } from './response-status';
import { ServerTransactionBase } from './server-transaction-base';
import type { InviteServerTransaction as InviteServerTransactionApi, IstState } from './transaction-types';

export class InviteServerTransaction extends ServerTransactionBase<IstState> implements InviteServerTransactionApi {
  override readonly kind = 'ist' as const;
  override readonly method = 'INVITE';
  private provisional: OutboundResponse | undefined;
  private final: OutboundResponse | undefined;
  private timerTrying = NO_TIMER;
  private timerG = NO_TIMER;
  private intervalGMs: number;
  private timerH = NO_TIMER;
  private timerI = NO_TIMER;
  private timerL = NO_TIMER;

  constructor(env: TransactionEnv, key: string, primary: string, request: SipRequest, context: ReceiveContext) {
    super(env, key, primary, request, context, 'Proceeding');
    this.intervalGMs = env.config.t1Ms;
  }

  /** The final response sent, if any: its To tag identifies an RFC 2543 ACK (§17.2.3). */
  get finalResponse(): SipResponse | undefined {
    return this.final?.response;
  }

  /** Enters Proceeding (before the TU sees the request). */
  start(): void {
    this.enter('Proceeding');
  }

  override respond(response: SipResponse): boolean {
    checkResponseStatus(response);
    const status = response.status;
    switch (this.current) {
      case 'Proceeding': {
        this.timerTrying = cancelTimer(this.env.timers, this.timerTrying);
        const sent = this.send(response);
        if (sent === undefined) return false;
        if (status < 200) this.provisional = sent;
        else if (status < 300) this.transition('Accepted');
        else {
          this.final = sent;
          this.transition('Completed');
        }
        return true;
      }
      case 'Accepted':
        // RFC 6026 §8.5: the TU's 2xx retransmissions go out through the transaction; nothing else may.
        if (status < 200 || status >= 300) return false;
        return this.send(response) !== undefined;
      case 'Completed':
      case 'Confirmed':
      case 'Terminated':
        return false;
      default:
        return assertNever(this.current);
    }
  }

  /** A retransmission of the INVITE (§17.2.1): answered with the last response, never passed up. */
  receiveRetransmission(): void {
    switch (this.current) {
      case 'Proceeding':
        if (this.provisional !== undefined) this.provisional.resend(this.env.transport);
        else this.sendTrying();
        return;
      case 'Completed':
        this.final?.resend(this.env.transport);
        return;
      case 'Accepted':
      case 'Confirmed':
      case 'Terminated':
        // RFC 6026 §8.6: in Accepted the INVITE retransmission is absorbed; the TU retransmits its 2xx.
        return;
      default:
        return assertNever(this.current);
    }
  }

  /** An ACK matched to this transaction (§17.2.3). */
  receiveAck(ack: SipRequest, context: ReceiveContext): void {
    switch (this.current) {
      case 'Completed':
        this.transition('Confirmed');
        // §17.2.1: Timer I is zero on reliable transports, so Confirmed ends at once.
        if (this.state === 'Confirmed' && this.timerI === NO_TIMER) this.transition('Terminated');
        return;
      case 'Accepted':
        // RFC 6026 §8.7: an ACK matching the transaction in Accepted (an RFC 2543 ACK for the 2xx) goes to the TU.
        this.env.user.onStrayAck(ack, context);
        return;
      case 'Proceeding':
      case 'Confirmed':
      case 'Terminated':
        return;
      default:
        return assertNever(this.current);
    }
  }

  private sendTrying(): void {
    this.timerTrying = cancelTimer(this.env.timers, this.timerTrying);
    // §8.2.6.1: 100 Trying carries no To tag; createResponse copies Timestamp.
    const sent = this.send(createResponse(this.request, 100));
    if (sent !== undefined) this.provisional = sent;
  }

  /** Arms the timers the state owns. */
  protected override enter(state: IstState): void {
    const { timers, config } = this.env;
    switch (state) {
      case 'Proceeding':
        // §17.2.1: the server MUST send 100 Trying unless the TU answers within 200 ms.
        if (config.trying100DelayMs === 0) this.sendTrying();
        else this.timerTrying = timers.schedule(config.trying100DelayMs, () => this.onTryingTimer());
        return;
      case 'Accepted':
        // RFC 6026 §7.1: Timer L = 64·T1 on every transport.
        this.timerL = timers.schedule(64 * config.t1Ms, () => {
          this.timerL = NO_TIMER;
          this.transition('Terminated');
        });
        return;
      case 'Completed':
        // §17.2.1: Timer G only on unreliable transports; Timer H = 64·T1 always.
        if (!this.reliable) this.timerG = timers.schedule(this.intervalGMs, () => this.onTimerG());
        this.timerH = timers.schedule(64 * config.t1Ms, () => this.onTimerH());
        return;
      case 'Confirmed':
        if (!this.reliable) {
          this.timerI = timers.schedule(config.t4Ms, () => {
            this.timerI = NO_TIMER;
            this.transition('Terminated');
          });
        }
        return;
      case 'Terminated':
        this.retire();
        return;
      default:
        return assertNever(state);
    }
  }

  /** Cancels the timers the state owns. */
  protected override leave(state: IstState): void {
    const timers = this.env.timers;
    switch (state) {
      case 'Proceeding':
        this.timerTrying = cancelTimer(timers, this.timerTrying);
        return;
      case 'Accepted':
        this.timerL = cancelTimer(timers, this.timerL);
        return;
      case 'Completed':
        this.timerG = cancelTimer(timers, this.timerG);
        this.timerH = cancelTimer(timers, this.timerH);
        return;
      case 'Confirmed':
        this.timerI = cancelTimer(timers, this.timerI);
        return;
      case 'Terminated':
        return;
      default:
        return assertNever(state);
    }
  }

  private onTryingTimer(): void {
    this.timerTrying = NO_TIMER;
    if (this.current === 'Proceeding' && this.provisional === undefined) this.sendTrying();
  }

  private onTimerG(): void {
    this.timerG = NO_TIMER;
    if (this.current !== 'Completed') return;
    this.final?.resend(this.env.transport);
    // §17.2.1: response retransmission intervals double up to T2.
    this.intervalGMs = Math.min(2 * this.intervalGMs, this.env.config.t2Ms);
    this.timerG = this.env.timers.schedule(this.intervalGMs, () => this.onTimerG());
  }

  private onTimerH(): void {
    this.timerH = NO_TIMER;
    // §17.2.1: Timer H without an ACK means the ACK never came; the TU is told.
    this.env.user.onServerTimeout?.(this);
    this.end('timeout');
  }
}
