/** The dialog record and its state machine (RFC 3261 §12: early, confirmed, terminated). */
import type { NameAddr, Uri } from '../sip/types';
import { dialogKey, type DialogId } from './dialog-id';

export type DialogState = 'early' | 'confirmed' | 'terminated';
export type DialogRole = 'uac' | 'uas';

/** Why a dialog changed state: kept in its history for tests and traces. */
export type DialogEvent =
  | 'provisional' | 'final-2xx' | 'final-non-2xx' | 'bye' | 'ack-timeout' | 'cancelled' | 'forked-loser' | 'local-end';

export interface DialogTransition {
  readonly from: DialogState;
  readonly to: DialogState;
  readonly event: DialogEvent;
}

export class DialogError extends Error {
  constructor(readonly code: 'bad-transition' | 'dialog-terminated' | 'no-contact' | 'bad-cseq', message: string) {
    super(message);
    this.name = 'DialogError';
  }
}

export interface DialogInit {
  readonly id: DialogId;
  readonly role: DialogRole;
  readonly state: 'early' | 'confirmed';
  readonly localUri: NameAddr;
  readonly remoteUri: NameAddr;
  readonly remoteTarget: Uri;
  /** In the order used to build requests (§12.1.1 as received, §12.1.2 reversed). */
  readonly routeSet: readonly NameAddr[];
  readonly localSeq: number | undefined;
  readonly remoteSeq: number | undefined;
  readonly secure: boolean;
  /** The Contact value (formatted) we put in requests and 2xx on this dialog. */
  readonly localContact: string;
}

/**
 * One dialog. Its fields change only through the dialog-layer functions
 * (in-dialog request building and receiving, target refresh); the state only through `transition()`.
 */
export class Dialog {
  readonly id: DialogId;
  readonly key: string;
  readonly role: DialogRole;
  readonly localUri: NameAddr;
  readonly remoteUri: NameAddr;
  readonly secure: boolean;
  readonly localContact: string;
  remoteTarget: Uri;
  routeSet: readonly NameAddr[];
  localSeq: number | undefined;
  remoteSeq: number | undefined;
  private current: DialogState;
  readonly history: DialogTransition[] = [];
  private listener: ((dialog: Dialog, change: DialogTransition) => void) | undefined;

  constructor(init: DialogInit) {
    this.id = init.id;
    this.key = dialogKey(init.id);
    this.role = init.role;
    this.current = init.state;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.secure = init.secure;
    this.localContact = init.localContact;
  }

  get state(): DialogState {
    return this.current;
  }

  get isTerminated(): boolean {
    return this.current === 'terminated';
  }

  /** One listener for state changes (the UA core's dialog table uses it to drop ended dialogs). */
  onTransition(listener: (dialog: Dialog, change: DialogTransition) => void): void {
    this.listener = listener;
  }

  /** The only way the state changes: checks the move, records it, and tells the listener. */
  transition(to: DialogState, event: DialogEvent): void {
    const from = this.current;
    if (!isAllowed(from, to)) throw new DialogError('bad-transition', `dialog ${this.key}: ${from} -> ${to} (${event}) is not allowed`);
    if (from === to) return;
    this.current = to;
    const change: DialogTransition = { from, to, event };
    this.history.push(change);
    this.listener?.(this, change);
  }

  /** Ends the dialog if it has not ended yet (idempotent: BYE races, timeouts and forks all end dialogs). */
  terminate(event: DialogEvent): void {
    if (this.current !== 'terminated') this.transition('terminated', event);
  }
}

function isAllowed(from: DialogState, to: DialogState): boolean {
  switch (from) {
    case 'early':
      return true;
    case 'confirmed':
      return to !== 'early';
    case 'terminated':
      return to === 'terminated';
    default: {
      const never: never = from;
      throw new DialogError('bad-transition', `unknown dialog state ${String(never)}`);
    }
  }
}
