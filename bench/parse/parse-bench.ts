/**
 * The parser benchmark (RFC 3261 §7 messages through engine/sip): for an INVITE with SDP, its
 * 200 OK and a BYE, the time and heap allocation of (a) parse, (b) parse + reading the five fields
 * a transaction/dialog lookup needs, (c) serializing a parsed message, (d) parse + one header
 * added + serialize, so the unchanged-bytes fast path cannot flatter the serializer.
 */
import { parseMessage, serializeMessage } from '../../engine/sip';
import type { SipMessage } from '../../engine/sip/message';
import { environmentLine, gatherEnvironment, markdownTable, writeBenchReport, type BenchEnvironment, type WrittenReport } from '../report-writer';
import { measure, type MeasureOptions, type Measurement } from '../measure';
import { BENCH_MESSAGES } from './bench-messages';

export type ParseOperation = 'parse' | 'parse+read5' | 'serialize' | 'parse+edit+serialize';

export interface ParseBenchRow extends Measurement {
  readonly message: string;
  readonly messageBytes: number;
  readonly operation: ParseOperation;
}

export interface ParseBenchResult {
  readonly benchmark: 'parse';
  readonly environment: BenchEnvironment;
  readonly parameters: MeasureOptions & { readonly quick: boolean; readonly allocationMethod: string };
  readonly results: readonly ParseBenchRow[];
  readonly written?: WrittenReport;
}

const OPERATIONS: Readonly<Record<ParseOperation, string>> = {
  parse: 'parseMessage only (typed headers stay lazy)',
  'parse+read5': 'parse, then topVia.branch, callId, cseq, fromTag, toTag',
  serialize: 'serializeMessage of an already parsed, unchanged message',
  'parse+edit+serialize': 'parse, withHeader (one appended line), serializeMessage',
};

function mustParse(bytes: Uint8Array): SipMessage {
  const result = parseMessage(bytes);
  if (!result.ok) throw new Error(`bench message does not parse: ${result.error.code} ${result.error.reason}`);
  return result.message;
}

function operation(kind: ParseOperation, bytes: Uint8Array): () => unknown {
  switch (kind) {
    case 'parse':
      return () => parseMessage(bytes);
    case 'parse+read5':
      return () => {
        const m = mustParse(bytes);
        return [m.topVia.branch, m.callId, m.cseq.seq, m.fromTag, m.toTag];
      };
    case 'serialize': {
      const parsed = mustParse(bytes);
      return () => serializeMessage(parsed);
    }
    case 'parse+edit+serialize':
      return () => serializeMessage(mustParse(bytes).withHeader('X-B2B-Leg', 'b-leg-1'));
    default: {
      const never: never = kind;
      throw new Error(`unknown operation ${String(never)}`);
    }
  }
}

export function benchOptions(quick: boolean): MeasureOptions {
  return quick
    ? { warmupMs: 100, rounds: 3, roundMs: 60, allocationSamples: 10, allocationBatch: 20 }
    : { warmupMs: 500, rounds: 7, roundMs: 300, allocationSamples: 30, allocationBatch: 50 };
}

export function parseBenchMarkdown(result: ParseBenchResult): string {
  const rows = result.results.map((r) => [
    r.message,
    r.messageBytes,
    r.operation,
    Math.round(r.opsPerSec).toLocaleString('en-US'),
    Math.round(r.cpuNsPerOp).toLocaleString('en-US'),
    Math.round(r.nsPerOp).toLocaleString('en-US'),
    r.heapBytesPerOp === null ? 'n/a' : Math.round(r.heapBytesPerOp).toLocaleString('en-US'),
  ]);
  const p = result.parameters;
  return [
    '# Parser benchmark',
    '',
    environmentLine(result.environment),
    '',
    `${p.quick ? 'Quick run' : 'Full run'}: ${p.warmupMs} ms warm-up, median of ${p.rounds} rounds of ~${p.roundMs} ms ` +
      '(CPU time = process user+system, so other load on the machine disturbs it less than wall time); ' +
      `heap bytes/op = median of GC-free samples of ${p.allocationBatch} ops (JS heap only; see bench/README.md).`,
    '',
    markdownTable(['message', 'bytes', 'operation', 'msgs/CPU-s', 'CPU ns/op', 'wall ns/op', 'heap B/op'], rows),
    '',
    ...Object.entries(OPERATIONS).map(([name, what]) => `- \`${name}\`: ${what}`),
  ].join('\n');
}

export interface ParseBenchOptions {
  readonly quick: boolean;
  /** false: return the figures without writing reports/bench/parse.* (tests). */
  readonly write?: boolean;
  /** Overrides the run lengths (tests use tiny ones). */
  readonly tuning?: { readonly measure: MeasureOptions; readonly warmIterations: number };
}

/** Runs every (message, operation) pair; writes reports/bench/parse.{json,md} unless `write` is false. */
export async function runParseBench(opts: ParseBenchOptions): Promise<ParseBenchResult> {
  const options = opts.tuning?.measure ?? benchOptions(opts.quick);
  // Every code path is warmed before the first measurement, so the first row does not pay for JIT tiers the others skip.
  const warmIterations = opts.tuning?.warmIterations ?? (opts.quick ? 3_000 : 20_000);
  for (const { bytes } of BENCH_MESSAGES) {
    for (const kind of Object.keys(OPERATIONS) as ParseOperation[]) {
      const op = operation(kind, bytes);
      for (let i = 0; i < warmIterations; i++) op();
    }
  }
  const results: ParseBenchRow[] = [];
  for (const { name, bytes } of BENCH_MESSAGES) {
    for (const kind of Object.keys(OPERATIONS) as ParseOperation[]) {
      const measurement = await measure(operation(kind, bytes), options);
      results.push({ message: name, messageBytes: bytes.length, operation: kind, ...measurement });
    }
  }
  const result: ParseBenchResult = {
    benchmark: 'parse',
    environment: gatherEnvironment(),
    parameters: { ...options, quick: opts.quick, allocationMethod: 'v8 used_heap_size delta per batch after a forced GC; samples that saw a GC discarded; median' },
    results,
  };
  if (opts.write === false) return result;
  const written = writeBenchReport('parse', result, parseBenchMarkdown(result));
  return { ...result, written };
}
