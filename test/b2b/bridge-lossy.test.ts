/** REFER transfers under 5% loss with duplication and reordering (opensips-b2b.md §6.5): the bridge completes or ends cleanly, nothing is left. */
import t from 'tap';
import { lossyLink } from '../dialog/sim-ua';
import { notifyLines, transferWorld, type TransferOptions } from './bridge-support';

const LOSSY = lossyLink(0.05, 0.05, 0.05);

const variants: ReadonlyArray<readonly [string, TransferOptions]> = [
  ['plain', {}],
  ['notify', { flags: { notify: true } }],
  ['notify + rollback, referee rejects', { flags: { notify: true, rollbackFailed: true }, referee: { reject: 486 } }],
  ['provisional media', { provMedia: true }],
  ['no-late-sdp + hold', { flags: { noLateSdp: true, hold: true } }],
];

for (const [name, options] of variants) {
  t.test(`${name}: seeds 1-6 end with every leg gone and nothing left`, async (t) => {
    for (let seed = 1; seed <= 6; seed++) {
      const s = transferWorld(seed * 31 + name.length, { ...options, link: LOSSY });
      t.ok(s.caller.session !== undefined, `seed ${seed}: call set up`);
      s.refer();
      s.world.runSync({ untilMs: s.world.nowMs + 40_000 });
      const rejected = typeof options.referee === 'object';
      if (rejected) {
        t.equal(s.caller.ended, undefined, `seed ${seed}: caller kept after the rollback`);
        // A duplicated 100 Trying may arrive after the final NOTIFY: the final one is there (CSeq orders them).
        t.ok(notifyLines(s.callee).includes('SIP/2.0 486 Busy Here'), `seed ${seed}: NOTIFY with the failure`);
      } else {
        t.ok(s.referee.session !== undefined && s.referee.ended === undefined, `seed ${seed}: referee connected`);
        t.ok(s.callee.ended !== undefined, `seed ${seed}: transferor gone`);
      }
      s.caller.session?.bye();
      s.world.runSync({ untilMs: s.world.nowMs + 120_000 });
      s.world.runSync();
      t.same(s.nothingLeft(), [], `seed ${seed}: nothing left`);
    }
  });
}
