/** CLI entry of the runner call-rate benchmark: `npx ts-node --transpile-only bench/runner/main.ts [--quick]`. */
import { rateBenchMain, runIfMain } from '../rate-bench-main';
import { runRunnerCpsBench, runnerRowLine } from './runner-cps';

export function main(argv: readonly string[], out: (text: string) => void): Promise<number> {
  return rateBenchMain({ name: 'runner', run: (quick, onRow) => runRunnerCpsBench({ quick, onRow }), rowLine: runnerRowLine }, argv, out);
}

runIfMain(module, 'runner', main);
