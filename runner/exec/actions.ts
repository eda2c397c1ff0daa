/** SIPp actions (ecosystem.md §2.4) run on a received message or a nop: ereg captures and checks, variable arithmetic, logs, jumps, YAML asserts. */
import type { Random } from '../../engine/ports/random';
import { headerKey } from '../../engine/sip';
import type { AssertCheck, CompareOp } from '../model/scenario';
import type { FailureReason } from '../model/stats';
import type { CompiledAction } from './compile-scenario';
import { sampleDuration } from './distributions';
import type { Received } from './keywords';
import type { CompiledTemplate } from './template';
import { formatVar, type VariableStore } from './variables';

export interface ActionContext {
  readonly vars: VariableStore;
  /** The message the actions look at: the one just received, or the last one for a nop. */
  readonly received: Received | undefined;
  readonly random: Random;
  readonly defaultPauseMs: number;
  nowMs(): number;
  render(t: CompiledTemplate): string;
  log(level: 'info' | 'warn' | 'error', text: string): void;
  setDestination(host: string, port: number): void;
}

export type ActionOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'fail'; readonly reason: FailureReason; readonly detail: string }
  | { readonly kind: 'jump'; readonly index: number }
  | { readonly kind: 'stop'; readonly how: 'call' | 'gracefully' | 'now' };

const OK: ActionOutcome = { kind: 'ok' };

/** Runs the actions in order; the first failure or stop ends the list, a jump is taken after the last action. */
export function runActions(actions: readonly CompiledAction[], ctx: ActionContext): ActionOutcome {
  let jump: ActionOutcome = OK;
  for (const compiled of actions) {
    const outcome = runAction(compiled, ctx);
    if (outcome.kind === 'fail' || outcome.kind === 'stop') return outcome;
    if (outcome.kind === 'jump') jump = outcome;
  }
  return jump;
}

function runAction(compiled: CompiledAction, ctx: ActionContext): ActionOutcome {
  const a = compiled.action;
  const vars = ctx.vars;
  switch (a.kind) {
    case 'ereg': return ereg(compiled, ctx);
    case 'log': case 'warning': case 'error':
      ctx.log(a.kind === 'log' ? 'info' : a.kind === 'warning' ? 'warn' : 'error', ctx.render(compiled.template as CompiledTemplate));
      return OK;
    case 'exec':
      return { kind: 'stop', how: a.intCmd === 'stop_call' ? 'call' : a.intCmd === 'stop_gracefully' ? 'gracefully' : 'now' };
    case 'assign': vars.set(a.assignTo, a.value); return OK;
    case 'assignstr': vars.set(a.assignTo, ctx.render(compiled.template as CompiledTemplate)); return OK;
    case 'sample': vars.set(a.assignTo, sampleDuration(a.distribution, ctx.random, ctx.defaultPauseMs, (n) => vars.number(n))); return OK;
    case 'todouble': vars.set(a.assignTo, vars.number(a.variable)); return OK;
    case 'add': case 'subtract': case 'multiply': case 'divide': {
      const x = vars.number(a.assignTo);
      const y = a.value ?? vars.number(a.variable ?? '');
      vars.set(a.assignTo, a.kind === 'add' ? x + y : a.kind === 'subtract' ? x - y : a.kind === 'multiply' ? x * y : x / y);
      return OK;
    }
    case 'strcmp': {
      const left = formatVar(vars.get(a.variable));
      const right = a.value ?? formatVar(vars.get(a.variable2 ?? ''));
      vars.set(a.assignTo, left < right ? -1 : left > right ? 1 : 0);
      return OK;
    }
    case 'test': vars.set(a.assignTo, compare(a.compare, vars.number(a.variable), a.value ?? vars.number(a.variable2 ?? ''))); return OK;
    case 'jump': return { kind: 'jump', index: Math.trunc(a.value ?? vars.number(a.variable ?? '')) };
    case 'gettimeofday': {
      const ms = ctx.nowMs();
      vars.set(a.assignTo[0] ?? '', Math.floor(ms / 1000));
      vars.set(a.assignTo[1] ?? '', Math.floor((ms % 1000) * 1000));
      return OK;
    }
    case 'urlencode': vars.set(a.assignTo, encodeURIComponent(formatVar(vars.get(a.assignTo)))); return OK;
    case 'urldecode': {
      const text = formatVar(vars.get(a.assignTo));
      try {
        vars.set(a.assignTo, decodeURIComponent(text));
      } catch {
        vars.set(a.assignTo, text); // a malformed escape is kept as received, never thrown
      }
      return OK;
    }
    case 'setdest': {
      const port = Number(ctx.render(compiled.portTemplate as CompiledTemplate));
      if (!Number.isInteger(port) || port <= 0 || port > 65535) return { kind: 'fail', reason: 'FailedCannotSendMessage', detail: `setdest: bad port` };
      ctx.setDestination(ctx.render(compiled.template as CompiledTemplate), port);
      return OK;
    }
    case 'assert': return assertCheck(a.check, a.description, compiled.regexp ?? perCallRegexp(compiled, ctx), ctx);
    default: {
      const never: never = a;
      throw new Error(`unknown action ${JSON.stringify(never)}`);
    }
  }
}

function compare(op: CompareOp, x: number, y: number): boolean {
  switch (op) {
    case 'equal': return x === y;
    case 'not_equal': return x !== y;
    case 'greater_than': return x > y;
    case 'less_than': return x < y;
    case 'greater_than_equal': return x >= y;
    case 'less_than_equal': return x <= y;
    default: {
      const never: never = op;
      throw new Error(`unknown comparison ${String(never)}`);
    }
  }
}

/** Values of every line of `name` in a SIP message, or found by scanning a command's lines. */
function headerLines(received: Received, name: string): string[] {
  const key = headerKey(name);
  if (received.message !== undefined) return received.message.headers.filter((h) => h.key === key).map((h) => h.value);
  const out: string[] = [];
  for (const line of received.text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && headerKey(line.slice(0, colon).trim()) === key) out.push(line.slice(colon + 1).trim());
  }
  return out;
}

function bodyText(received: Received): string {
  if (received.message !== undefined) return Buffer.from(received.message.body).toString('utf8');
  const blank = received.text.indexOf('\r\n\r\n');
  return blank < 0 ? '' : received.text.slice(blank + 4);
}

function ereg(compiled: CompiledAction, ctx: ActionContext): ActionOutcome {
  const a = compiled.action;
  if (a.kind !== 'ereg') throw new Error('ereg expected');
  let subject: string | undefined;
  const received = ctx.received;
  if (a.searchIn === 'var') subject = formatVar(ctx.vars.get(a.variable ?? ''));
  else if (received === undefined) subject = undefined;
  else if (a.searchIn === 'msg') subject = received.text;
  else if (a.searchIn === 'body') subject = bodyText(received);
  else {
    const name = (a.header ?? '').replace(/[\s:]+$/, '');
    subject = headerLines(received, name)[Math.max(1, a.occurrence) - 1];
    if (subject === undefined) {
      if (a.checkIt) return { kind: 'fail', reason: 'FailedRegexpHdrNotFound', detail: `ereg: header ${name} not found` };
      return OK;
    }
  }
  if (subject !== undefined && a.startLine) subject = subject.split(/\r?\n/, 1)[0] as string;
  const match = subject === undefined ? null : (compiled.regexp as RegExp).exec(subject);
  if (match === null) {
    if (a.checkIt) return { kind: 'fail', reason: 'FailedRegexpDoesntMatch', detail: `ereg /${a.regexp}/ did not match in ${a.searchIn}` };
    return OK;
  }
  if (a.checkItInverse) return { kind: 'fail', reason: 'FailedRegexpShouldntMatch', detail: `ereg /${a.regexp}/ matched in ${a.searchIn}` };
  a.assignTo.forEach((name, i) => ctx.vars.set(name, match[i] ?? ''));
  return OK;
}

/** An assert regexp with keywords, built for this call (a keyword's value is matched literally). */
function perCallRegexp(compiled: CompiledAction, ctx: ActionContext): RegExp | undefined {
  if (compiled.template === undefined) return undefined;
  try {
    return new RegExp(ctx.render(compiled.template), 's');
  } catch {
    return /(?!)/; // cannot happen with escaped values; a regexp that never matches fails the assert visibly
  }
}

function assertCheck(check: AssertCheck, description: string, regexp: RegExp | undefined, ctx: ActionContext): ActionOutcome {
  const received = ctx.received;
  let ok: boolean;
  if (check.kind === 'variable-equals') ok = formatVar(ctx.vars.get(check.variable)) === check.value;
  else if (received === undefined) ok = false;
  else {
    switch (check.kind) {
      case 'header-count': ok = headerLines(received, check.header).length === check.count; break;
      case 'header-absent': ok = headerLines(received, check.header).length === 0; break;
      case 'header-matches': ok = headerLines(received, check.header).some((v) => (regexp as RegExp).test(v)); break;
      case 'body-present': ok = (bodyText(received).length > 0) === check.present; break;
      case 'body-matches': ok = (regexp as RegExp).test(bodyText(received)); break;
      default: {
        const never: never = check;
        throw new Error(`unknown assert ${JSON.stringify(never)}`);
      }
    }
  }
  return ok ? OK : { kind: 'fail', reason: 'FailedAssertion', detail: `assert failed: ${description}` };
}
