/**
 * One SIPp scenario command (`<send>`, `<recv>`, `<pause>`/`<timewait>`, `<nop>`, `<sendCmd>`,
 * `<recvCmd>`) mapped onto a model step, with SIPp's attribute rules (scenario.cpp).
 */
import { ScenarioLoadError, type Action, type RecvMatch, type Step, type StepCommon } from '../model/scenario';
import { AttributeReader } from './attribute-reader';
import { readActions } from './sipp-actions';
import { cleanCdata } from './sipp-cdata';
import { readDistribution } from './sipp-distribution';
import { compilePosix } from './posix-regexp';
import type { XmlElement } from './xml-reader';

export const STEP_ELEMENTS = ['send', 'recv', 'pause', 'timewait', 'nop', 'sendCmd', 'recvCmd'] as const;
export type StepElement = (typeof STEP_ELEMENTS)[number];

export function isStepElement(name: string): name is StepElement {
  return (STEP_ELEMENTS as readonly string[]).includes(name);
}

/** What the loader needs besides the step: transaction names and the sent request's method. */
export interface StepInfo {
  readonly step: Step;
  readonly timewait: boolean;
  /** For a sent request: its method (SIPp checks start_txn/ack_txn against it). */
  readonly method?: string;
}

export function readStep(element: XmlElement, file: string): StepInfo {
  const attrs = new AttributeReader(element, file);
  const info = readByKind(element.name as StepElement, attrs, element);
  attrs.finish();
  return info;
}

function readByKind(kind: StepElement, attrs: AttributeReader, element: XmlElement): StepInfo {
  switch (kind) {
    case 'send': return readSend(attrs, element);
    case 'recv': {
      const body = children(element, attrs.file, false);
      return { step: readRecv(attrs, body.actions), timewait: false };
    }
    case 'pause':
    case 'timewait': {
      children(element, attrs.file, false, true);
      return { step: readPause(attrs, kind === 'timewait'), timewait: kind === 'timewait' };
    }
    case 'nop': {
      const body = children(element, attrs.file, false);
      return { step: { kind: 'nop', ...readCommon(attrs, false), actions: body.actions }, timewait: false };
    }
    case 'sendCmd': {
      const body = children(element, attrs.file, true, true);
      const message = cleanCdata(body.cdata ?? '', false);
      if (message === undefined) throw attrs.error('missing-field', '<sendCmd> needs its command text in a CDATA section');
      return { step: { kind: 'sendCmd', ...readCommon(attrs, false), message, dest: attrs.string('dest') }, timewait: false };
    }
    case 'recvCmd': {
      const body = children(element, attrs.file, false);
      if (attrs.bool('optional') === true) throw attrs.error('unsupported', 'optional <recvCmd> is not supported', 'optional');
      return {
        step: {
          kind: 'recvCmd', ...readCommon(attrs, true), src: attrs.string('src'),
          timeoutMs: positive(attrs.integer('timeout', 0)), actions: body.actions,
        },
        timewait: false,
      };
    }
    default: {
      const never: never = kind;
      throw new Error(`unhandled step element ${String(never)}`);
    }
  }
}

function readSend(attrs: AttributeReader, element: XmlElement): StepInfo {
  const body = children(element, attrs.file, true, true);
  const message = cleanCdata(body.cdata ?? '', true);
  if (message === undefined) throw attrs.error('missing-field', '<send> needs its message in a CDATA section');
  const firstLine = message.slice(0, message.indexOf('\n'));
  const isResponse = /^SIP\/2\.0\s/i.test(firstLine);
  const method = isResponse ? undefined : firstLine.split(/\s/)[0] ?? '';
  const startTxn = attrs.string('start_txn');
  const ackTxn = attrs.string('ack_txn');
  if (isResponse && startTxn !== undefined) throw attrs.error('bad-value', 'responses can not start a transaction', 'start_txn');
  if (isResponse && ackTxn !== undefined) throw attrs.error('bad-value', 'responses can not ACK a transaction', 'ack_txn');
  if (method === 'ACK' && startTxn !== undefined) throw attrs.error('bad-value', 'an ACK can not start a transaction', 'start_txn');
  if (method !== undefined && method !== 'ACK' && ackTxn !== undefined) throw attrs.error('bad-value', 'ack_txn is valid only for ACK messages', 'ack_txn');
  if (attrs.has('response_txn')) throw attrs.error('bad-value', 'response_txn can only be used on <recv>', 'response_txn');
  if (attrs.has('timeout')) throw attrs.error('unsupported', 'send timeouts (timeout on <send>) are not supported', 'timeout');
  return {
    step: {
      kind: 'send', ...readCommon(attrs, false), message,
      retransMs: positive(attrs.integer('retrans', 0)),
      lostPercent: readLost(attrs), startTxn: checkedTxn(attrs, 'start_txn', startTxn), ackTxn: checkedTxn(attrs, 'ack_txn', ackTxn),
    },
    timewait: false,
    method,
  };
}

function readRecv(attrs: AttributeReader, actions: Action[]): Step {
  const response = attrs.string('response');
  const request = attrs.string('request');
  const regexpMatch = attrs.bool('regexp_match') ?? false;
  let match: RecvMatch;
  if (response !== undefined && request !== undefined) throw attrs.error('bad-value', 'a <recv> takes response or request, not both', 'request');
  if (response !== undefined) {
    match = { kind: 'response', code: regexpMatch ? regexpOf(attrs, 'response', response) : responseCode(attrs, response) };
  } else if (request !== undefined) {
    if (request.trim() === '') throw attrs.error('bad-value', 'the request method is empty', 'request');
    match = { kind: 'request', method: regexpMatch ? regexpOf(attrs, 'request', request) : request };
  } else {
    throw attrs.error('missing-field', '<recv> needs a response or request attribute', 'response');
  }
  const responseTxn = attrs.string('response_txn');
  if (responseTxn !== undefined && match.kind !== 'response') throw attrs.error('bad-value', 'response_txn can only be used for received responses', 'response_txn');
  const optionalText = attrs.string('optional') ?? 'false';
  if (optionalText !== 'true' && optionalText !== 'false' && optionalText !== 'global') {
    throw attrs.error('bad-value', `optional must be true, false or global, not "${optionalText}"`, 'optional');
  }
  return {
    kind: 'recv', ...readCommon(attrs, true), match,
    optional: optionalText === 'global' ? 'global' : optionalText === 'true',
    rrs: attrs.bool('rrs'), auth: attrs.bool('auth'), ignoreSdp: attrs.bool('ignoresdp'), lostPercent: readLost(attrs),
    timeoutMs: positive(attrs.integer('timeout', 0)), responseTxn: checkedTxn(attrs, 'response_txn', responseTxn), actions,
  };
}

function readPause(attrs: AttributeReader, timewait: boolean): Step {
  if (timewait) {
    for (const label of ['next', 'ontimeout']) {
      if (attrs.has(label)) throw attrs.error('bad-value', `${label} labels are not allowed in <timewait>`, label);
    }
  }
  const variable = attrs.variable('variable');
  const duration = variable !== undefined ? { kind: 'variable' as const, name: variable } : readDistribution(attrs, true);
  return { kind: 'pause', ...readCommon(attrs, false), duration, sanityCheck: attrs.bool('sanity_check') };
}

/** The attributes SIPp reads on every command (getCommonAttributes, getBookKeeping). */
function readCommon(attrs: AttributeReader, withTimeout: boolean): StepCommon & { onTimeout?: string } {
  const next = attrs.string('next');
  if (next === undefined) {
    for (const name of ['test', 'chance']) {
      if (attrs.has(name)) throw attrs.error('bad-value', `${name} only applies together with next`, name);
    }
  }
  const chance = attrs.double('chance');
  if (chance !== undefined && (chance < 0 || chance > 1)) throw attrs.error('bad-value', `chance ${chance} is not in [0..1]`, 'chance');
  if (!['send', 'recv'].includes(attrs.element.name) && attrs.has('lost')) {
    throw attrs.error('unsupported', `lost on <${attrs.element.name}> is not supported (send and recv only)`, 'lost');
  }
  if (!withTimeout && attrs.has('ontimeout')) throw attrs.error('unsupported', `ontimeout on <${attrs.element.name}> is not supported (recv and recvCmd only)`, 'ontimeout');
  const rtd = rtdNames(attrs, 'rtd');
  const repeatRtd = attrs.bool('repeat_rtd');
  if (repeatRtd !== undefined && rtd === undefined) throw attrs.error('bad-value', 'repeat_rtd needs an rtd attribute', 'repeat_rtd');
  const counter = attrs.string('counter');
  if (counter !== undefined && (counter === '' || /[$,]/.test(counter))) throw attrs.error('bad-value', `bad counter name "${counter}"`, 'counter');
  return {
    location: attrs.location, next, test: attrs.variable('test'), chance,
    condexec: attrs.variable('condexec'), condexecInverse: attrs.bool('condexec_inverse'),
    startRtd: rtdNames(attrs, 'start_rtd'), rtd, repeatRtd, counter,
    display: attrs.string('display'), hide: attrs.bool('hide'), crlf: attrs.bool('crlf'),
    onTimeout: withTimeout ? attrs.string('ontimeout') : undefined,
  };
}

/** SIPp get_rtd: "true" is timer "1", "false" none, anything else a timer name. */
function rtdNames(attrs: AttributeReader, name: string): string[] | undefined {
  const value = attrs.string(name);
  if (value === undefined || value === 'false') return undefined;
  if (value === '') throw attrs.error('bad-value', 'empty response-time timer name', name);
  return [value === 'true' ? '1' : value];
}

/** SIPp treats 0 as "not set". */
function positive(n: number | undefined): number | undefined {
  return n === undefined || n === 0 ? undefined : n;
}

function readLost(attrs: AttributeReader): number | undefined {
  const lost = attrs.double('lost');
  if (lost !== undefined && (lost < 0 || lost > 100)) throw attrs.error('bad-value', `lost ${lost} is not a percentage`, 'lost');
  return lost;
}

function checkedTxn(attrs: AttributeReader, name: string, value: string | undefined): string | undefined {
  if (value !== undefined && (value === '' || /[$,]/.test(value))) throw attrs.error('bad-value', `bad transaction name "${value}"`, name);
  return value;
}

function responseCode(attrs: AttributeReader, text: string): number {
  if (!/^\d{3}$/.test(text.trim())) throw attrs.error('bad-value', `"${text}" is not a response code`, 'response');
  return Number(text.trim());
}

function regexpOf(attrs: AttributeReader, name: string, source: string): RegExp {
  const compiled = compilePosix(source);
  if (typeof compiled === 'string') throw attrs.error('bad-value', `the regexp does not compile: ${compiled}`, name);
  return compiled;
}

interface Body {
  readonly cdata?: string;
  readonly actions: Action[];
}

/** A command's content: CDATA (send/sendCmd), one `<action>` block (recv/recvCmd/nop), blank text. */
function children(element: XmlElement, file: string, wantsCdata: boolean, noActions = false): Body {
  let cdata: string | undefined;
  let actions: Action[] | undefined;
  for (const child of element.children) {
    const at = { file, line: child.line };
    if (child.kind === 'cdata' && wantsCdata) cdata = (cdata ?? '') + child.text;
    else if (child.kind === 'cdata' || (child.kind === 'text' && child.text.trim() !== '')) {
      throw new ScenarioLoadError('syntax', at, `unexpected text inside <${element.name}>`, `<${element.name}>`);
    } else if (child.kind === 'element' && child.name === 'action') {
      if (noActions) throw new ScenarioLoadError('unsupported', at, `unsupported: actions on <${element.name}> are not supported (recv, recvCmd and nop only)`, `<${element.name}>`);
      if (actions !== undefined) throw new ScenarioLoadError('bad-value', at, `<${element.name}> has two <action> blocks`, '<action>');
      actions = readActions(child, file);
    } else if (child.kind === 'element') {
      throw new ScenarioLoadError('unknown-step', at, `<${child.name}> is not allowed inside <${element.name}>`, `<${child.name}>`);
    }
  }
  return { cdata, actions: actions ?? [] };
}
