/**
 * Load-time preparation of one agent's steps: templates and regexps compiled, labels resolved to
 * indexes, SIPp's CSeq-method list per response recv, wait timeouts per recv run. Errors are
 * ScenarioLoadErrors naming the step's file and line.
 */
import { ScenarioLoadError, type Action, type AgentScenario, type SourceLocation, type Step } from '../model/scenario';
import type { KeywordScope } from './keywords';
import { compileRegexpTemplate } from './regexp-template';
import { compileTemplate, type CompiledTemplate } from './template';

export interface CompiledAction {
  readonly action: Action;
  /** ereg: the regexp (POSIX ERE's `.` matches newlines, hence the `s` flag); assert header/body-matches too. */
  readonly regexp?: RegExp;
  /** assignstr value, log text, setdest host. */
  readonly template?: CompiledTemplate;
  readonly portTemplate?: CompiledTemplate;
}

export interface CompiledStep {
  readonly step: Step;
  readonly index: number;
  readonly nextIndex: number | undefined;
  readonly onTimeoutIndex: number | undefined;
  readonly template: CompiledTemplate | undefined;
  readonly actions: readonly CompiledAction[];
  /** Response recv: the methods of every request sent before it (SIPp's recv_response_for_cseq_method_list); undefined matches any. */
  readonly responseMethods: ReadonlySet<string> | undefined;
  /** Waiting here: the earliest timeout among this and the following consecutive recvs, and whose it is. */
  readonly waitTimeout: { readonly ms: number; readonly stepIndex: number } | undefined;
  /** A send whose text starts with a request line (not `SIP/2.0`). */
  readonly sendsRequest: boolean;
  /** An mi step's parameter values; `names` for named parameters, undefined for positional ones. */
  readonly miParams?: { readonly names: readonly string[] | undefined; readonly templates: readonly CompiledTemplate[] };
}

export interface CompiledScenario {
  readonly steps: readonly CompiledStep[];
  /** Index of the first recv step (a uas creates calls from messages it accepts); -1 when none. */
  readonly firstRecvIndex: number;
  /** The first step is a recvCmd: calls are created by commands (3PCC controller B side). */
  readonly startsWithRecvCmd: boolean;
  readonly globalNames: ReadonlySet<string>;
}

export function compileScenario(scenario: AgentScenario, scope: KeywordScope, defaultRecvTimeoutMs: number | undefined): CompiledScenario {
  const label = (name: string | undefined, location: SourceLocation, field: string): number | undefined => {
    if (name === undefined) return undefined;
    const index = scenario.labels.get(name);
    if (index === undefined) throw new ScenarioLoadError('unknown-label', location, `label "${name}" is not defined`, field);
    return index;
  };
  const methods = new Set<string>();
  const steps: CompiledStep[] = [];
  scenario.steps.forEach((step, index) => {
    let template: CompiledTemplate | undefined;
    if (step.kind === 'send' || step.kind === 'sendCmd') template = compileTemplate(step.message, step.location, scope, step.kind === 'send');
    if (step.kind === 'send' && step.to !== undefined && !scope.agents.has(step.to)) {
      throw new ScenarioLoadError('bad-value', step.location, `send to "${step.to}": no such agent in this run`, 'to');
    }
    const sendsRequest = step.kind === 'send' && template?.firstWord !== 'SIP/2.0';
    let responseMethods: ReadonlySet<string> | undefined;
    if (step.kind === 'recv' && step.match.kind === 'response' && index > 0 && !methods.has('*')) responseMethods = new Set(methods);
    if (sendsRequest) methods.add(template?.firstWord ?? '*');
    const actions = step.kind === 'recv' || step.kind === 'recvCmd' || step.kind === 'nop' ? step.actions.map((a) => compileAction(a, scope)) : [];
    const onTimeout = step.kind === 'recv' || step.kind === 'recvCmd' ? label(step.onTimeout, step.location, 'ontimeout') : undefined;
    const miParams = step.kind === 'mi' ? compileMiParams(step.params, step.location, scope) : undefined;
    steps.push({
      step, index, template, actions, responseMethods, sendsRequest,
      ...(miParams !== undefined ? { miParams } : {}),
      nextIndex: label(step.next, step.location, 'next'),
      onTimeoutIndex: onTimeout,
      waitTimeout: undefined,
    });
  });
  const withTimeouts = steps.map((s) => ({ ...s, waitTimeout: waitTimeout(scenario.steps, s.index, defaultRecvTimeoutMs) }));
  return {
    steps: withTimeouts,
    firstRecvIndex: scenario.steps.findIndex((s) => s.kind === 'recv'),
    startsWithRecvCmd: scenario.steps[0]?.kind === 'recvCmd',
    globalNames: new Set(scenario.globalVariables),
  };
}

function compileMiParams(params: readonly string[] | ReadonlyMap<string, string>, location: SourceLocation, scope: KeywordScope): CompiledStep['miParams'] {
  const values = Array.isArray(params) ? params as readonly string[] : [...(params as ReadonlyMap<string, string>).values()];
  return {
    names: Array.isArray(params) ? undefined : [...(params as ReadonlyMap<string, string>).keys()],
    templates: values.map((value) => compileTemplate(value, location, scope, false)),
  };
}

/** SIPp's wake(): while waiting at a run of recvs, the nearest timeout among them applies. */
function waitTimeout(steps: readonly Step[], from: number, defaultMs: number | undefined): CompiledStep['waitTimeout'] {
  const first = steps[from];
  if (first === undefined) return undefined;
  if (first.kind === 'recvCmd') {
    const ms = first.timeoutMs ?? defaultMs;
    return ms === undefined ? undefined : { ms, stepIndex: from };
  }
  let best: CompiledStep['waitTimeout'];
  for (let i = from; i < steps.length; i++) {
    const s = steps[i] as Step;
    if (s.kind !== 'recv') break;
    const ms = s.timeoutMs ?? defaultMs;
    if (ms !== undefined && (best === undefined || ms < best.ms)) best = { ms, stepIndex: i };
    if (!s.optional) break;
  }
  return best;
}

function compileAction(action: Action, scope: KeywordScope): CompiledAction {
  const regexp = (source: string, caseIndep: boolean): RegExp => {
    try {
      return new RegExp(source, caseIndep ? 'si' : 's');
    } catch (err) {
      throw new ScenarioLoadError('bad-value', action.location, `bad regexp /${source}/: ${(err as Error).message}`, 'regexp');
    }
  };
  const text = (source: string): CompiledTemplate => compileTemplate(source, action.location, scope, false);
  switch (action.kind) {
    case 'ereg': return { action, regexp: regexp(action.regexp, action.caseIndep) };
    case 'log': case 'warning': case 'error': return { action, template: text(action.message) };
    case 'assignstr': return { action, template: text(action.value) };
    case 'setdest': return { action, template: text(action.host), portTemplate: text(action.port) };
    case 'exec':
      if (action.intCmd === undefined) {
        throw new ScenarioLoadError('unsupported', action.location, 'exec command="…" (a shell command) is not supported by this runner', 'command');
      }
      return { action };
    case 'assert': {
      const check = action.check;
      if (check.kind === 'header-matches' || check.kind === 'body-matches') {
        const withKeywords = compileRegexpTemplate(check.regexp, action.location, scope);
        // Keywords are known per call only: the regexp is then built when the assert runs.
        return withKeywords === undefined ? { action, regexp: regexp(check.regexp, false) } : { action, template: withKeywords };
      }
      return { action };
    }
    default: return { action };
  }
}
