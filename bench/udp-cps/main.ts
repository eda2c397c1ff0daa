/** CLI entry of the engine call-rate benchmark: `npx ts-node --transpile-only bench/udp-cps/main.ts [--quick]`. */
import { rateBenchMain, runIfMain } from '../rate-bench-main';
import { runUdpCpsBench, udpCpsRowLine } from './udp-cps';

export function main(argv: readonly string[], out: (text: string) => void): Promise<number> {
  return rateBenchMain({ name: 'udp-cps', run: (quick, onRow) => runUdpCpsBench({ quick, onRow }), rowLine: udpCpsRowLine }, argv, out);
}

runIfMain(module, 'udp-cps', main);
