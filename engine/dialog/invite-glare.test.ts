/** re-INVITE glare verdicts (RFC 3261 §14.2) and the §14.1 retry delays. */
import t from 'tap';
import { InviteGlare, glareRetryDelayMs } from './invite-glare';
import { ScriptedRandom } from './test-support';

t.test('incoming re-INVITE verdicts (§14.2)', async (t) => {
  const cases: { name: string; outgoing: boolean; incoming: boolean; want: number | 'accept' }[] = [
    { name: 'nothing pending: accepted', outgoing: false, incoming: false, want: 'accept' },
    { name: 'ours pending: 491', outgoing: true, incoming: false, want: 491 },
    { name: 'previous incoming pending: 500', outgoing: false, incoming: true, want: 500 },
  ];
  for (const c of cases) {
    const glare = new InviteGlare();
    if (c.outgoing) glare.outgoingStarted();
    if (c.incoming) t.equal(glare.checkIncoming(new ScriptedRandom()).accept, true);
    const verdict = glare.checkIncoming(new ScriptedRandom([0.99]));
    if (c.want === 'accept') {
      t.equal(verdict.accept, true, c.name);
      t.equal(glare.incomingPending, true, `${c.name}: now pending`);
    } else {
      t.equal(verdict.accept ? 'accept' : verdict.status, c.want, c.name);
      if (!verdict.accept && verdict.status === 500) t.equal(verdict.retryAfterS, 10, `${c.name}: Retry-After within 0–10`);
    }
  }
});

t.test('answering the incoming INVITE and finishing ours free the dialog', async (t) => {
  const glare = new InviteGlare();
  glare.checkIncoming(new ScriptedRandom());
  t.equal(glare.canSend(), false);
  glare.incomingAnswered();
  t.equal(glare.canSend(), true);
  glare.outgoingStarted();
  t.equal(glare.canSend(), false);
  glare.outgoingFinished();
  t.equal(glare.canSend(), true);
});

t.test('491 retry delay ranges (§14.1)', async (t) => {
  const table: [boolean, number, number][] = [
    [true, 0, 2100], [true, 0.999999, 4000], [true, 0.5, 3050],
    [false, 0, 0], [false, 0.999999, 2000], [false, 0.5, 1000],
  ];
  for (const [owns, f, want] of table) t.equal(glareRetryDelayMs(new ScriptedRandom([f]), owns), want, `owns=${owns} f=${f}`);
});
