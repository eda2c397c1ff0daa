/**
 * Transactions end to end in the simulator (RFC 3261 §17, §9): a UAC and a UAS host, each with the
 * real transport layer under the transaction layer, over links with loss, duplication and reordering.
 */
import t from 'tap';
import fc from 'fast-check';
import { World, type LinkSpec } from '../../simulator';
import { attachTransactionStack } from '../../simulator/transaction-stack';
import { createCancel, createResponse, parseMessage } from '../sip';
import type { SipRequest, SipResponse } from '../sip/message';
import type { TimerService } from '../timers/timer-service';
import type { Destination } from '../transport/transport-layer';
import { TransactionLayer } from './transaction-layer';
import type { ClientTransaction, ClientTransactionUser, InviteServerTransaction, ServerTransaction, TransactionUser } from './transaction-types';

type Flow = 'ok' | 'busy' | 'cancel' | 'options';
const FLOWS: readonly Flow[] = ['ok', 'busy', 'cancel', 'options'];
const UAS: Destination = { protocol: 'udp', address: { host: '10.0.0.2', port: 5060 } };

interface Outcome {
  readonly flow: Flow;
  readonly statuses: number[];
  readonly failures: string[];
  terminations: number;
  cancelStatuses: number[];
  cancelTerminations: number;
}

/** The UAS TU: 'ok' rings then answers 200, 'busy' rejects 486, 'cancel' rings until CANCELled (480 after 40 s), others 200. */
class UasTu implements TransactionUser {
  created = 0;
  terminated = 0;
  private readonly seen = new Set<ServerTransaction>();
  strayAcks = 0;
  private tag = 0;
  constructor(private readonly timers: TimerService) {}

  onRequest(tx: ServerTransaction, request: SipRequest): void {
    this.created++;
    this.seen.add(tx);
    const toTag = `uas${++this.tag}`;
    const reply = (status: number) => tx.respond(createResponse(request, status, undefined, { toTag }));
    if (request.method !== 'INVITE') {
      reply(200);
      return;
    }
    const user = request.uri.scheme === 'sip' && 'user' in request.uri ? request.uri.user : undefined;
    if (user === 'busy') {
      reply(486);
      return;
    }
    this.timers.schedule(100, () => reply(180));
    if (user === 'ok') this.timers.schedule(1000, () => reply(200));
    else this.timers.schedule(40_000, () => reply(480));
  }
  onCancel(tx: InviteServerTransaction): void {
    tx.respond(createResponse(tx.request, 487, undefined, { toTag: tx.lastResponse?.toTag ?? 'uas-cancelled' }));
  }
  onStrayAck(): void {
    this.strayAcks++;
  }
  onStrayResponse(): void {}
  /** Counts the ends of transactions the TU saw (the layer's own CANCEL transactions end too). */
  onServerTransactionTerminated(tx: ServerTransaction): void {
    if (this.seen.delete(tx)) this.terminated++;
  }
}

/** The UAC side: starts one client transaction per flow and records what each one saw. */
class UacApp implements TransactionUser {
  readonly outcomes: Outcome[] = [];
  layer!: TransactionLayer;
  private cseq = 0;

  start(flow: Flow): void {
    const outcome: Outcome = { flow, statuses: [], failures: [], terminations: 0, cancelStatuses: [], cancelTerminations: 0 };
    this.outcomes.push(outcome);
    const method = flow === 'options' ? 'OPTIONS' : 'INVITE';
    const n = ++this.cseq;
    const request = requestFor(method, flow, n);
    let cancelled = false;
    const user: ClientTransactionUser = {
      onResponse: (response, tx) => {
        outcome.statuses.push(response.status);
        if (method !== 'INVITE') return;
        if (response.status >= 200 && response.status < 300) this.layer.sendAck(ackFor(tx, response), UAS);
        if (flow === 'cancel' && response.status > 100 && response.status < 200 && !cancelled) {
          cancelled = true;
          this.layer.sendRequest(createCancel(tx.request), UAS, {
            onResponse: (r) => outcome.cancelStatuses.push(r.status),
            onTimeout: () => outcome.cancelStatuses.push(408),
            onTransportError: () => outcome.cancelStatuses.push(503),
            onTerminated: () => outcome.cancelTerminations++,
          });
        }
      },
      onTimeout: (_tx, timer) => outcome.failures.push(`timeout ${timer}`),
      onTransportError: (_tx, reason) => outcome.failures.push(`transport ${reason}`),
      onTerminated: () => outcome.terminations++,
    };
    this.layer.sendRequest(request, UAS, user);
  }
  onRequest(): void {}
  onStrayAck(): void {}
  onStrayResponse(): void {}
}

function requestFor(method: string, flow: Flow, n: number): SipRequest {
  return createRequestText([
    `${method} sip:${flow}@10.0.0.2 SIP/2.0`,
    'Via: SIP/2.0/UDP 10.0.0.1:5060',
    'Max-Forwards: 70',
    `From: <sip:uac@10.0.0.1>;tag=f${n}`,
    `To: <sip:${flow}@10.0.0.2>`,
    `Call-ID: call-${n}@10.0.0.1`,
    `CSeq: ${n} ${method}`,
    'Contact: <sip:uac@10.0.0.1:5060>',
    'Content-Length: 0',
  ]);
}

function ackFor(tx: ClientTransaction, response: SipResponse): SipRequest {
  return tx.request.withMethod('ACK')
    .withHeaderValues('CSeq', [`${tx.request.cseq.seq} ACK`])
    .withHeaderValues('To', [response.header('to') ?? ''])
    .withHeaderValues('Via', ['SIP/2.0/UDP 10.0.0.1:5060']);
}

function createRequestText(lines: readonly string[]): SipRequest {
  const result = parseMessageText(`${lines.join('\r\n')}\r\n\r\n`);
  if (result.kind !== 'request') throw new Error('not a request');
  return result;
}

function parseMessageText(text: string): SipRequest | SipResponse {
  const parsed = parseMessage(text);
  if (!parsed.ok) throw new Error(parsed.error.reason);
  return parsed.message;
}

interface Run {
  readonly world: World;
  readonly uac: UacApp;
  readonly uas: UasTu;
  readonly uacLayer: TransactionLayer;
  readonly uasLayer: TransactionLayer;
  readonly uacTimers: TimerService;
  readonly uasTimers: TimerService;
}

function simulate(seed: number, link: Partial<LinkSpec>, flows: readonly Flow[]): Run {
  const world = new World({ seed, link });
  let uasTu: UasTu | undefined;
  let uasLayer: TransactionLayer | undefined;
  const uasHost = world.addHost({
    name: 'uas', addresses: ['10.0.0.2'], listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) => {
      uasTu = new UasTu(ctx.timers);
      uasLayer = attachTransactionStack(ctx, '10.0.0.2', uasTu);
    },
  });
  const uac = new UacApp();
  const uacHost = world.addHost({
    name: 'uac', addresses: ['10.0.0.1'], listen: [{ protocol: 'udp', port: 5060 }],
    build: (ctx) => {
      uac.layer = attachTransactionStack(ctx, '10.0.0.1', uac);
    },
  });
  flows.forEach((flow, i) => world.after(i * 37, `start ${flow}`, () => uac.start(flow)));
  world.runSync({ maxEvents: 200_000 });
  return {
    world, uac, uas: uasTu!, uacLayer: uac.layer, uasLayer: uasLayer!, uacTimers: uacHost.ctx.timers, uasTimers: uasHost.ctx.timers,
  };
}

/** What must hold after every run, whatever the network did. */
function checkInvariants(run: Run): string[] {
  const problems: string[] = [];
  if (run.world.pendingEvents !== 0) problems.push(`${run.world.pendingEvents} events still queued`);
  if (run.uacTimers.armedCount !== 0) problems.push(`uac armedCount ${run.uacTimers.armedCount}`);
  if (run.uasTimers.armedCount !== 0) problems.push(`uas armedCount ${run.uasTimers.armedCount}`);
  if (run.uacLayer.liveCount !== 0) problems.push(`uac liveCount ${run.uacLayer.liveCount}`);
  if (run.uasLayer.liveCount !== 0) problems.push(`uas liveCount ${run.uasLayer.liveCount}`);
  if (run.uas.created !== run.uas.terminated) problems.push(`uas created ${run.uas.created} terminated ${run.uas.terminated}`);
  for (const o of run.uac.outcomes) {
    if (o.terminations !== 1) problems.push(`${o.flow}: terminated ${o.terminations} times`);
    const finals = o.statuses.filter((s) => s >= 200);
    const nonTwoXx = finals.filter((s) => s >= 300);
    if (finals.length === 0 && o.failures.length === 0) problems.push(`${o.flow}: neither a final response nor a failure`);
    if (nonTwoXx.length > 1) problems.push(`${o.flow}: non-2xx final passed up ${nonTwoXx.length} times`);
    if (finals.length > 0 && o.failures.length > 0) problems.push(`${o.flow}: both a final response and ${o.failures.join(',')}`);
    const allowed: Record<Flow, number[]> = { ok: [200], busy: [486], cancel: [487, 480], options: [200] };
    for (const s of finals) if (!allowed[o.flow].includes(s)) problems.push(`${o.flow}: unexpected final ${s}`);
    if (o.cancelStatuses.length > 0 && o.cancelTerminations !== 1) problems.push(`cancel NICT terminated ${o.cancelTerminations} times`);
  }
  return problems;
}

t.test('on a clean network each flow ends as the RFC says and everything is cleaned up', async (t) => {
  const run = simulate(1, {}, FLOWS);
  t.same(run.uac.outcomes.map((o) => [o.flow, o.statuses, o.failures, o.cancelStatuses]), [
    ['ok', [180, 200], [], []],
    ['busy', [486], [], []],
    ['cancel', [180, 487], [], [200]],
    ['options', [200], [], []],
  ]);
  t.equal(run.uas.strayAcks, 1, 'the ACK for the 200 reached the UAS TU as a stray ACK');
  t.same(checkInvariants(run), []);
});

t.test('an INVITE lost on the way is retransmitted by Timer A and the call still completes', async (t) => {
  // With 50% loss some seed loses the first INVITE; find one deterministically and check the flow.
  let checked = 0;
  for (let seed = 1; seed < 200 && checked < 3; seed++) {
    const run = simulate(seed, { lossProbability: 0.5 }, ['busy']);
    const invites = run.world.trace.entries().filter((e) => e.summary.includes('INVITE sip:busy'));
    if (invites[0]?.kind !== 'drop' || run.uac.outcomes[0]!.statuses.length === 0) continue;
    checked++;
    t.same(run.uac.outcomes[0]!.statuses, [486], `seed ${seed}: the 486 arrived after a retransmission`);
    t.same(checkInvariants(run), [], `seed ${seed}`);
  }
  t.equal(checked, 3, 'found three seeds that lose the first INVITE');
});

t.test('the same seed gives the same trace digest', async (t) => {
  const link = { lossProbability: 0.2, duplicateProbability: 0.1, reorderProbability: 0.1, reorderExtraMs: 50 };
  t.equal(simulate(42, link, FLOWS).world.digest(), simulate(42, link, FLOWS).world.digest());
});

/** 0..30 %, uniformly (fc.double clusters at the bounds and near zero). */
const percent = fc.integer({ min: 0, max: 30 }).map((p) => p / 100);

t.test('under 0-30% loss, duplication and reordering every transaction terminates and every timer is cancelled', async (t) => {
  let runs = 0;
  let lossyRuns = 0;
  let failedTransactions = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      percent,
      percent,
      percent,
      fc.array(fc.constantFrom(...FLOWS), { minLength: 1, maxLength: 6 }),
      (seed, loss, duplicate, reorder, flows) => {
        runs++;
        const run = simulate(seed, {
          latency: { kind: 'uniform', minMs: 5, maxMs: 80 },
          lossProbability: loss, duplicateProbability: duplicate, reorderProbability: reorder, reorderExtraMs: 300,
        }, flows);
        const dropped = Object.values(run.world.network.stats.dropped).reduce((a, b) => a + b, 0);
        if (dropped > 0) lossyRuns++;
        failedTransactions += run.uac.outcomes.filter((o) => o.failures.length > 0).length;
        const problems = checkInvariants(run);
        if (problems.length > 0) throw new Error(`seed ${seed} loss ${loss} dup ${duplicate} reorder ${reorder} flows ${flows.join(',')}: ${problems.join('; ')}`);
      },
    ),
    { numRuns: 150, seed: 20240611 },
  );
  t.equal(runs >= 150, true, `${runs} simulated runs`);
  t.ok(lossyRuns >= 75, `${lossyRuns} runs lost packets`);
  t.comment(`${failedTransactions} client transactions ended by a timer across the runs`);
});
