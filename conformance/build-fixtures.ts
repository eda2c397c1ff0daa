/**
 * Regenerates the torture-test fixtures (RFC 4475 §2 notation → exact octets): each
 * `<suite>/source/NAME.txt` becomes `<suite>/messages/NAME.sip`.
 * Run: `npx ts-node --transpile-only conformance/build-fixtures.ts [--check]`
 * (`--check` writes nothing and exits 1 if a committed `.sip` differs from its source).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRfcNotation } from './rfc-notation';

export const FIXTURE_SUITES = ['rfc4475', 'rfc5118'] as const;

export interface FixtureBuild {
  readonly suite: string;
  readonly name: string;
  readonly sourcePath: string;
  readonly messagePath: string;
  readonly bytes: Uint8Array;
}

/** Decodes every source of a suite (sorted by name). */
export function buildSuite(suite: string, root: string = __dirname): FixtureBuild[] {
  const sourceDir = join(root, suite, 'source');
  return readdirSync(sourceDir)
    .filter((file) => file.endsWith('.txt'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.txt'.length);
      const sourcePath = join(sourceDir, file);
      let bytes: Uint8Array;
      try {
        bytes = decodeRfcNotation(readFileSync(sourcePath, 'utf8'));
      } catch (err) {
        throw new Error(`${sourcePath}: ${(err as Error).message}`);
      }
      return { suite, name, sourcePath, messagePath: join(root, suite, 'messages', `${name}.sip`), bytes };
    });
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  let stale = 0;
  for (const suite of FIXTURE_SUITES) {
    for (const fixture of buildSuite(suite)) {
      let current: Buffer | undefined;
      try {
        current = readFileSync(fixture.messagePath);
      } catch {
        current = undefined;
      }
      const same = current !== undefined && Buffer.compare(current, Buffer.from(fixture.bytes)) === 0;
      if (same) continue;
      stale++;
      if (check) process.stderr.write(`stale: ${fixture.messagePath}\n`);
      else writeFileSync(fixture.messagePath, fixture.bytes);
    }
  }
  process.stdout.write(check ? `${stale} stale fixture(s)\n` : `${stale} fixture(s) written\n`);
  return check && stale > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
