/** The SIPp-style scenario screen: one row per step with messages, retransmissions, timeouts and unexpected messages (SIPp's final "Scenario Screen"). */
import type { AgentScenario, Duration, RecvStep, Step } from '../model/scenario';
import type { StepCounts } from '../model/stats';

const HEADER = `${' '.repeat(33)}Messages  Retrans   Timeout   Unexpected-Msg`;
const COLUMN = 10;

export interface StepTableOptions {
  /** SIPp -d, shown for pauses of the default length. */
  readonly defaultPauseMs: number;
}

/** The table for one agent: `steps` is indexed like `scenario.steps` (missing entries count as zeros). */
export function formatStepTable(scenario: AgentScenario, steps: readonly StepCounts[], options: StepTableOptions): string {
  const lines = [HEADER];
  scenario.steps.forEach((step, i) => {
    if (step.hide === true) return;
    lines.push(stepRow(step, steps[i] ?? ZERO, options).trimEnd());
    if (step.crlf === true) lines.push('');
  });
  return lines.join('\n');
}

const ZERO: StepCounts = { messages: 0, retransmissions: 0, timeouts: 0, unexpected: 0, lost: 0 };

function stepRow(step: Step, c: StepCounts, options: StepTableOptions): string {
  switch (step.kind) {
    case 'send':
      return row(label(step.display ?? requestOrResponse(step.message)), ' ---------->', marker(step), [c.messages, c.retransmissions, c.timeouts]);
    case 'recv':
      return row(label(step.display ?? recvLabel(step)), ' <----------', marker(step), [c.messages, c.retransmissions, c.timeouts, c.unexpected]);
    case 'pause':
      return `${(step.display ?? `Pause [${pauseText(step.duration, options.defaultPauseMs).padStart(9)}]`).padStart(23)}${' '.repeat(9)}${col(c.messages)}${' '.repeat(COLUMN * 2)}${col(c.unexpected)}`;
    case 'nop':
      return row(label(step.display ?? '[ NOP ]'), '            ', marker(step), [c.messages]);
    case 'sendCmd':
      return row(label(step.display ?? '[ SendCmd ]'), ' ---------->', marker(step), [c.messages, 0, c.timeouts]);
    case 'recvCmd':
      return row(label(step.display ?? '[ RecvCmd ]'), ' <----------', marker(step), [c.messages, 0, c.timeouts, c.unexpected]);
    case 'mi':
      return row(label(step.display ?? `[ MI ${step.command} ]`), '            ', marker(step), [c.messages]);
    default: {
      const never: never = step;
      throw new Error(`unknown step ${String(never)}`);
    }
  }
}

function row(name: string, arrow: string, mark: string, counts: readonly number[]): string {
  return `${name}${arrow}  ${mark.padEnd(6)} ${counts.map(col).join('')}`;
}

function label(text: string): string {
  return text.length >= 12 ? text : text.padStart(12);
}

function col(n: number): string {
  return String(n).padEnd(COLUMN);
}

/** `B-RTD1` where a response-time timer starts, `E-RTD1` where one stops (SIPp's markers). */
function marker(step: Step): string {
  if (step.rtd !== undefined && step.rtd.length > 0) return `E-RTD${step.rtd[0]}`;
  if (step.startRtd !== undefined && step.startRtd.length > 0) return `B-RTD${step.startRtd[0]}`;
  return '';
}

/** The method of a request template, or the status code of a response template. */
function requestOrResponse(message: string): string {
  const first = message.replace(/^\s+/, '').split(/\r?\n/, 1)[0] ?? '';
  const status = /^SIP\/2\.0\s+(\d{3})/.exec(first);
  if (status) return status[1]!;
  const method = /^([A-Za-z]+)\s/.exec(first);
  return method ? method[1]! : first.slice(0, 12);
}

function recvLabel(step: RecvStep): string {
  const m = step.match;
  const what = m.kind === 'response'
    ? (typeof m.code === 'number' ? String(m.code) : `/${m.code.source}/`)
    : (typeof m.method === 'string' ? m.method : `/${m.method.source}/`);
  return step.optional === false ? what : `${what}${step.optional === 'global' ? '*' : '?'}`;
}

function pauseText(d: Duration, defaultMs: number): string {
  switch (d.kind) {
    case 'default': return `${defaultMs}ms`;
    case 'fixed': return `${d.ms}ms`;
    case 'variable': return `$${d.name}`;
    case 'uniform': return `U(${d.minMs},${d.maxMs})`;
    case 'normal': return `N(${d.meanMs},${d.stdevMs})`;
    case 'lognormal': return `LN(${d.mean},${d.stdev})`;
    case 'exponential': return `Exp(${d.meanMs})`;
    case 'weibull': return `Wb(${d.lambda},${d.k})`;
    case 'pareto': return `P(${d.k},${d.xm})`;
    case 'gamma': return `G(${d.k},${d.theta})`;
    case 'negbin': return `NB(${d.n},${d.p})`;
    default: {
      const never: never = d;
      throw new Error(`unknown duration ${String(never)}`);
    }
  }
}
