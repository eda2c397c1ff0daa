/** Reliable provisional responses (RFC 3262 §3 UAS, §4 UAC): RSeq, RAck matching, retransmission. */
import t from 'tap';
import type { SipResponse } from '../sip/message';
import { ReliableProvisionalTracker, ReliableProvisionals, isReliableProvisional } from './reliable-provisionals';
import { ManualTimers, ScriptedRandom, inviteResponseFixture, requestFixture } from './test-support';

function prack(rack: string) {
  return requestFixture([
    'PRACK sip:bob@192.0.2.2 SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKp', 'Max-Forwards: 70',
    'From: <sip:alice@example.com>;tag=atag', 'To: <sip:bob@example.com>;tag=b1', 'Call-ID: call-1@192.0.2.1', 'CSeq: 2 PRACK', `RAck: ${rack}`,
  ]);
}

function setup(retransmit = true) {
  const timers = new ManualTimers();
  const sent: { at: number; response: SipResponse }[] = [];
  let gaveUp = false;
  // ScriptedRandom([0]) → first RSeq 1.
  const rel = new ReliableProvisionals({
    timers, random: new ScriptedRandom([0]), t1Ms: 500, retransmit,
    send: (response) => sent.push({ at: timers.nowMs, response }), onGiveUp: () => { gaveUp = true; },
  });
  return { timers, sent, rel, gaveUp: () => gaveUp };
}

t.test('UAS: RSeq and Require added, retransmitted until the PRACK that matches RAck (RFC 3262 §3)', async (t) => {
  const { timers, sent, rel } = setup();
  rel.send(inviteResponseFixture(180, 'b1'));
  t.equal(sent[0]!.response.rseq, 1);
  t.same(sent[0]!.response.require, ['100rel']);
  timers.advance(1600);
  t.same(sent.map((s) => s.at), [0, 500, 1500], 'T1 doubling');
  const table: [string, boolean][] = [['2 1 INVITE', false], ['1 9 INVITE', false], ['1 1 BYE', false], ['1 1 INVITE', true], ['1 1 INVITE', false]];
  for (const [rack, want] of table) t.equal(rel.onPrack(prack(rack)), want, `RAck ${rack}`);
  timers.advance(60_000);
  t.equal(sent.length, 3, 'no retransmission after the PRACK');
  t.equal(timers.armedCount, 0);
});

t.test('UAS: a second reliable provisional waits for the first PRACK, then takes the next RSeq', async (t) => {
  const { sent, rel, timers } = setup();
  rel.send(inviteResponseFixture(180, 'b1'));
  rel.send(inviteResponseFixture(183, 'b1'));
  t.equal(sent.length, 1, 'queued behind the unacknowledged 180');
  t.equal(rel.onPrack(prack('1 1 INVITE')), true);
  t.equal(sent.length, 2);
  t.equal(sent[1]!.response.status, 183);
  t.equal(sent[1]!.response.rseq, 2);
  rel.stop();
  t.equal(timers.armedCount, 0, 'final response stops everything');
});

t.test('UAS: no PRACK within 64·T1 gives up (the INVITE then gets a 5xx)', async (t) => {
  const { timers, rel, gaveUp, sent } = setup(false);
  rel.send(inviteResponseFixture(180, 'b1'));
  timers.advance(31_999);
  t.equal(gaveUp(), false);
  timers.advance(1);
  t.equal(gaveUp(), true);
  t.equal(sent.length, 1, 'reliable transport: never retransmitted');
  t.equal(rel.awaitingPrack, false);
});

t.test('UAC: which reliable provisionals get a PRACK (RFC 3262 §4)', async (t) => {
  const rel = (rseq: number) => inviteResponseFixture(180, 'b1', ['Require: 100rel', `RSeq: ${rseq}`]);
  const tracker = new ReliableProvisionalTracker();
  const table: [number, string][] = [[7, 'prack'], [7, 'ignore'], [9, 'ignore'], [8, 'prack'], [8, 'ignore'], [9, 'prack']];
  for (const [rseq, want] of table) t.equal(tracker.accept(rel(rseq)), want, `RSeq ${rseq}`);
  t.equal(isReliableProvisional(rel(1)), true);
  t.equal(isReliableProvisional(inviteResponseFixture(180, 'b1', ['RSeq: 1'])), false, 'RSeq without Require: 100rel');
  t.equal(isReliableProvisional(inviteResponseFixture(180, 'b1', ['Require: 100rel'])), false, 'Require without RSeq');
});
