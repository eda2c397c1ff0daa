/** Loads a scenario file by its extension: `.yaml`/`.yml` through our YAML front end, `.xml` through the SIPp XML one. */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ScenarioLoadError, type ScenarioFile } from './model/scenario';
import { loadSippXml } from './sipp-xml/sipp-xml-loader';
import { loadYamlScenario } from './yaml/yaml-loader';

/** Throws ScenarioLoadError (code 'io' for a file that cannot be read or has an unknown extension). */
export function loadScenarioFile(path: string): ScenarioFile {
  const ext = extname(path).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.xml') {
    throw new ScenarioLoadError('io', { file: path, line: 1 }, `unknown scenario format "${ext || '(no extension)'}": use .yaml, .yml or .xml`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioLoadError('io', { file: path, line: 1 }, `cannot read the file: ${(error as Error).message}`);
  }
  return ext === '.xml' ? loadSippXml(text, path) : loadYamlScenario(text, path);
}
