/** `b2bkit start`: the engine on real interfaces. The B2B engine lands with issue [4/6]; until then it says so. */
import type { CliIo } from '../node-io';

export async function runStart(_args: readonly string[], io: CliIo): Promise<number> {
  io.stdout(
    [
      'b2bkit: the B2B engine is not built yet (it arrives with the B2B entities/logic layers).',
      'What works today:',
      '  b2bkit parse FILE|-     parse a SIP message and print it as JSON',
      '  npm test                the test suite (parser, RFC 4475/5118 conformance, transactions, simulator)',
      '',
    ].join('\n'),
  );
  return 0;
}
