import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSippXml } from '../../../runner/sipp-xml/sipp-xml-loader';
import { freeUdpPort, startSipp } from '../../../test/sipp/sipp-runner';

/** Each flow's client file and the server file it runs against (real SIPp on loopback). */
const PAIRS: ReadonlyArray<readonly [client: string, server: string]> = [
  ['basic-uac', 'basic-uas'],
  ['uac-cancel', 'uac-cancel-peer'],
  ['uas-busy-peer', 'uas-busy'],
  ['uas-hangup-peer', 'uas-hangup'],
  ['reinvite-uac', 'reinvite-uas'],
  ['update', 'update-peer'],
  ['info', 'info-peer'],
  ['prack-uac', 'prack-uas'],
  ['refer-transferor', 'refer-transferee'],
  ['late-offer-uac', 'late-offer-uas'],
];
const CALLS = 5;
const COMMON = ['-m', String(CALLS), '-nostdin', '-timeout', '30s', '-timeout_error', '-i', '127.0.0.1'];

for (const [client, server] of PAIRS) {
  t.test(`${client}.xml and ${server}.xml load as a uac and a uas`, async (t) => {
    const clientFile = join(__dirname, `${client}.xml`);
    const serverFile = join(__dirname, `${server}.xml`);
    t.equal(loadSippXml(readFileSync(clientFile, 'utf8'), clientFile).agents[0]?.role, 'uac');
    t.equal(loadSippXml(readFileSync(serverFile, 'utf8'), serverFile).agents[0]?.role, 'uas');
  });

  t.test(`real sipp: ${client}.xml completes ${CALLS} calls against ${server}.xml`, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), `flow-${client}-`));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const serverPort = await freeUdpPort();
    const clientPort = await freeUdpPort();
    const uas = startSipp(['-sf', join(__dirname, `${server}.xml`), '-p', String(serverPort), ...COMMON], dir);
    const uac = startSipp(['-sf', join(__dirname, `${client}.xml`), `127.0.0.1:${serverPort}`, '-p', String(clientPort), '-r', '10', ...COMMON], dir);
    t.teardown(() => {
      uac.kill();
      uas.kill();
    });
    const [clientExit, serverExit] = await Promise.all([uac.exited, uas.exited]);
    for (const [name, exit] of [[client, clientExit], [server, serverExit]] as const) {
      t.equal(exit.code, 0, `sipp -sf ${name}.xml exits 0`);
      if (exit.code !== 0) t.comment(`${name} output tail: ${exit.output.slice(-800)}`);
    }
  });
}
