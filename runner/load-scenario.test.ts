/** Tests of loadScenarioFile: the extension picks the front end; io errors name the file. */
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile } from './load-scenario';
import { ScenarioLoadError } from './model/scenario';

const dir = mkdtempSync(join(tmpdir(), 'b2bkit-load-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function loadError(path: string): ScenarioLoadError {
  try {
    loadScenarioFile(path);
  } catch (error) {
    if (error instanceof ScenarioLoadError) return error;
    throw error;
  }
  throw new Error(`${path} loaded`);
}

t.test('the extension picks the front end', async (t) => {
  const yaml = loadScenarioFile(join(__dirname, '..', 'scenarios', 'flows', 'basic-call.yaml'));
  t.equal(yaml.format, 'yaml');
  t.same(yaml.agents.map((a) => a.name), ['uac', 'uas']);
  const xmlFile = join(dir, 'options.XML');
  writeFileSync(xmlFile, '<?xml version="1.0"?>\n<scenario name="ping">\n  <send><![CDATA[\nOPTIONS sip:x@[remote_ip] SIP/2.0\nContent-Length: 0\n\n]]></send>\n</scenario>\n');
  const xml = loadScenarioFile(xmlFile);
  t.equal(xml.format, 'sipp-xml');
  t.equal(xml.agents.length, 1);
});

t.test('unreadable files and unknown extensions are io errors naming the file', async (t) => {
  const missing = loadError(join(dir, 'missing.yml'));
  t.equal(missing.code, 'io');
  t.match(missing.message, /missing\.yml:1: cannot read the file/);
  const txt = join(dir, 'flow.txt');
  writeFileSync(txt, 'x');
  const unknown = loadError(txt);
  t.equal(unknown.code, 'io');
  t.match(unknown.message, /flow\.txt:1: unknown scenario format "\.txt"/);
});
