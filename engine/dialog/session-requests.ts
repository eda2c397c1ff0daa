/**
 * Requests arriving inside an INVITE dialog (RFC 3261 §12.2.2 CSeq order, §14.2 re-INVITE glare,
 * §15.1.2 BYE, RFC 3262 §3 PRACK; UPDATE/INFO/MESSAGE/NOTIFY/REFER passed to the dialog user).
 */
import type { SipRequest } from '../sip/message';
import { receiveInDialogRequest } from './in-dialog-receive';
import type { InviteSession } from './invite-session';
import { buildResponse } from './responses';
import type { Reply } from './session-types';
import type { UaServerTransaction } from './ua-transactions';

const PASS_THROUGH = new Set(['UPDATE', 'INFO', 'MESSAGE', 'NOTIFY', 'REFER']);

export function handleInDialogRequest(session: InviteSession, serverTx: UaServerTransaction, request: SipRequest): void {
  const dialog = session.dialog;
  const respond = (status: number, reason?: string, headers?: ReadonlyArray<readonly [string, string]>): void =>
    serverTx.respond(buildResponse(request, status, { reason, headers }));
  // §12.2.2: a CSeq lower than the remote sequence is out of order and MUST get 500 (checked before glare, which must not change state).
  if (dialog.remoteSeq !== undefined && request.cseq.seq < dialog.remoteSeq) {
    respond(500, 'Out Of Order CSeq');
    return;
  }
  if (request.method === 'INVITE') {
    const verdict = session.glare.checkIncoming(session.services.random);
    if (!verdict.accept) {
      const headers: [string, string][] = verdict.status === 500 ? [['Retry-After', String(verdict.retryAfterS)]] : [];
      respond(verdict.status, verdict.reason, headers);
      return;
    }
  }
  receiveInDialogRequest(dialog, request);
  switch (request.method) {
    case 'BYE':
    {
      respond(200);
      const early = session.earlyByeHandler;
      session.end('bye-received');
      // §15.1.2: a BYE in an early dialog gets 487 on the INVITE still pending.
      early?.();
    }
      return;
    case 'INVITE':
      handleReinvite(session, serverTx, request);
      return;
    case 'PRACK':
      // RFC 3262 §3: a PRACK matching no unacknowledged reliable provisional MUST get 481.
      if (session.prackHandler?.(request) === true) respond(200);
      else respond(481, 'No Matching Provisional');
      return;
    default:
      if (PASS_THROUGH.has(request.method)) passThrough(session, serverTx, request);
      else respond(405);
  }
}

function handleReinvite(session: InviteSession, serverTx: UaServerTransaction, request: SipRequest): void {
  let answered = false;
  const reply: Reply = (status, options = {}) => {
    if (answered || session.isEnded) return;
    answered = true;
    session.glare.incomingAnswered();
    const response = buildResponse(request, status, {
      reason: options.reason, headers: options.headers, body: options.body,
      contact: status < 300 ? session.dialog.localContact : undefined,
    });
    if (status >= 200 && status < 300) session.sendInvite2xx(serverTx, response);
    else serverTx.respond(response);
  };
  const handler = session.handler.onReinvite;
  if (handler === undefined) reply(200);
  else handler.call(session.handler, session, request, reply);
}

function passThrough(session: InviteSession, serverTx: UaServerTransaction, request: SipRequest): void {
  let answered = false;
  const reply: Reply = (status, options = {}) => {
    if (answered) return;
    if (status < 200) {
      serverTx.respond(buildResponse(request, status, options));
      return;
    }
    answered = true;
    const contact = request.method === 'UPDATE' && status < 300 ? session.dialog.localContact : undefined;
    serverTx.respond(buildResponse(request, status, { ...options, contact }));
  };
  const handler = session.handler.onRequest;
  if (handler === undefined) reply(request.method === 'REFER' ? 603 : 200);
  else handler.call(session.handler, session, request, reply);
}
