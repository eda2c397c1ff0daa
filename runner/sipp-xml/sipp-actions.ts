/**
 * The `<action>` block of a SIPp step (scenario.cpp parseAction) mapped onto the model's actions;
 * actions this runner cannot carry out are refused with their line, never dropped.
 */
import { ScenarioLoadError, type Action, type CompareOp, type SearchIn } from '../model/scenario';
import { AttributeReader } from './attribute-reader';
import { readDistribution } from './sipp-distribution';
import { compilePosix, posixToJsSource } from './posix-regexp';
import type { XmlElement } from './xml-reader';

/** SIPp actions that exist but are refused, with why. */
export const UNSUPPORTED_ACTIONS: Readonly<Record<string, string>> = {
  lookup: 'indexed injection files (-infindex) are not supported',
  insert: 'injection file updates are not supported',
  replace: 'injection file updates are not supported',
  verifyauth: 'digest verification of received requests is not supported',
  trim: 'the trim action is not supported',
  index: 'the index action is not supported',
  pauserestore: 'the pauserestore action is not supported',
  closecon: 'closing the connection from a scenario is not supported',
  rtp_echo: 'RTP echo is not supported (no media)',
};

/** `<exec>` attributes that need media, refused. */
const MEDIA_EXEC = ['play_pcap_audio', 'play_pcap_video', 'play_pcap_image', 'play_dtmf', 'rtp_stream', 'rtp_echo'];

const COMPARE_OPS: readonly CompareOp[] = ['equal', 'not_equal', 'greater_than', 'less_than', 'greater_than_equal', 'less_than_equal'];
const SEARCH_IN: readonly SearchIn[] = ['msg', 'hdr', 'body', 'var'];

export function readActions(block: XmlElement, file: string): Action[] {
  new AttributeReader(block, file).finish();
  const actions: Action[] = [];
  for (const child of block.children) {
    if (child.kind !== 'element') {
      if (child.text.trim() !== '') throw new ScenarioLoadError('syntax', { file, line: child.line }, 'text inside <action>', '<action>');
      continue;
    }
    const attrs = new AttributeReader(child, file);
    actions.push(readAction(attrs));
    attrs.finish();
  }
  return actions;
}

function readAction(attrs: AttributeReader): Action {
  const location = attrs.location;
  const kind = attrs.element.name;
  switch (kind) {
    case 'ereg': return readEreg(attrs);
    case 'log':
    case 'warning':
    case 'error':
      return { kind, location, message: attrs.required('message') };
    case 'exec': return readExec(attrs);
    case 'assign': {
      const assignTo = attrs.requiredVariable('assign_to');
      if (attrs.has('variable')) throw attrs.error('unsupported', 'assign from a variable is not supported; use value, or add with value="0"', 'variable');
      return { kind, location, assignTo, value: attrs.requiredDouble('value') };
    }
    case 'assignstr': return { kind, location, assignTo: attrs.requiredVariable('assign_to'), value: attrs.required('value') };
    case 'sample': return { kind, location, assignTo: attrs.requiredVariable('assign_to'), distribution: readDistribution(attrs, false) };
    case 'todouble': return { kind, location, assignTo: attrs.requiredVariable('assign_to'), variable: attrs.requiredVariable('variable') };
    case 'add':
    case 'subtract':
    case 'multiply':
    case 'divide': {
      const assignTo = attrs.requiredVariable('assign_to');
      const rhs = valueOrVariable(attrs);
      if (kind === 'divide' && rhs.value === 0) throw attrs.error('bad-value', 'divide actions can not have a value of zero', 'value');
      return { kind, location, assignTo, ...rhs };
    }
    case 'strcmp': {
      refuseCheckIt(attrs);
      const assignTo = attrs.requiredVariable('assign_to');
      const variable = attrs.requiredVariable('variable');
      const value = attrs.string('value');
      if (value !== undefined && attrs.has('variable2')) throw attrs.error('bad-value', 'value and variable2 are mutually exclusive', 'variable2');
      if (value !== undefined) return { kind, location, assignTo, variable, value };
      return { kind, location, assignTo, variable, variable2: attrs.requiredVariable('variable2') };
    }
    case 'test': return readTest(attrs);
    case 'jump': return { kind, location, ...valueOrVariable(attrs) };
    case 'gettimeofday': {
      const assignTo = attrs.variableList('assign_to');
      if (assignTo.length !== 2) throw attrs.error('bad-value', 'gettimeofday needs two variables (seconds, microseconds)', 'assign_to');
      return { kind, location, assignTo };
    }
    case 'urlencode':
    case 'urldecode':
      // SIPp names the variable to rewrite in place `variable`.
      return { kind, location, assignTo: attrs.requiredVariable('variable') };
    case 'setdest':
      return { kind, location, host: attrs.required('host'), port: attrs.required('port'), protocol: attrs.required('protocol') };
    default: {
      const why = UNSUPPORTED_ACTIONS[kind];
      if (why !== undefined) throw attrs.error('unsupported', why);
      throw attrs.error('unknown-keyword', `unknown action <${kind}>`);
    }
  }
}

function readEreg(attrs: AttributeReader): Action {
  const regexp = attrs.required('regexp');
  const caseIndep = attrs.bool('case_indep') ?? false;
  const compiled = compilePosix(regexp, caseIndep);
  if (typeof compiled === 'string') throw attrs.error('bad-value', `the regexp does not compile: ${compiled}`, 'regexp');
  const where = attrs.string('search_in') ?? 'msg';
  const searchIn = SEARCH_IN.find((s) => s === where);
  if (searchIn === undefined) throw attrs.error('bad-value', `unknown search_in "${where}" (msg, hdr, body, var)`, 'search_in');
  let header: string | undefined;
  let variable: string | undefined;
  let occurrence = 1;
  if (searchIn === 'hdr') {
    header = attrs.required('header');
    if (header.trim() === '') throw attrs.error('bad-value', 'search_in="hdr" requires a header name', 'header');
    // SIPp still reads the old misspelling "occurence".
    const spelled = attrs.has('occurrence') ? 'occurrence' : 'occurence';
    occurrence = attrs.integer(spelled, 1) ?? 1;
  } else if (searchIn === 'var') {
    variable = attrs.requiredVariable('variable');
  }
  for (const name of ['header', 'occurrence', 'occurence', 'variable']) {
    const applies = name === 'variable' ? searchIn === 'var' : searchIn === 'hdr';
    if (attrs.has(name) && !applies) {
      throw attrs.error('bad-value', `${name} does not apply to search_in="${searchIn}"`, name);
    }
  }
  const checkIt = attrs.bool('check_it') ?? false;
  const checkItInverse = attrs.bool('check_it_inverse') ?? false;
  if (attrs.has('check_it') && attrs.has('check_it_inverse')) throw attrs.error('bad-value', 'check_it and check_it_inverse are mutually exclusive', 'check_it_inverse');
  return {
    kind: 'ereg', location: attrs.location, regexp: posixToJsSource(regexp), searchIn, header, variable, caseIndep, occurrence,
    startLine: attrs.bool('start_line') ?? false, checkIt, checkItInverse, assignTo: attrs.variableList('assign_to'),
  };
}

function readExec(attrs: AttributeReader): Action {
  for (const media of MEDIA_EXEC) {
    if (attrs.has(media)) throw attrs.error('unsupported', `<exec ${media}> needs media, which this runner does not play`, media);
  }
  const command = attrs.string('command');
  const intCmd = attrs.string('int_cmd');
  if (command !== undefined && intCmd !== undefined) throw attrs.error('bad-value', 'command and int_cmd are mutually exclusive', 'int_cmd');
  if (command !== undefined) return { kind: 'exec', location: attrs.location, command };
  if (intCmd === undefined) throw attrs.error('missing-field', '<exec> needs command or int_cmd', 'command');
  if (intCmd !== 'stop_call' && intCmd !== 'stop_gracefully' && intCmd !== 'stop_now') {
    throw attrs.error('bad-value', `unknown int_cmd "${intCmd}" (stop_call, stop_gracefully, stop_now)`, 'int_cmd');
  }
  return { kind: 'exec', location: attrs.location, intCmd };
}

function readTest(attrs: AttributeReader): Action {
  refuseCheckIt(attrs);
  const assignTo = attrs.requiredVariable('assign_to');
  const variable = attrs.requiredVariable('variable');
  const op = attrs.required('compare');
  const compare = COMPARE_OPS.find((c) => c === op);
  if (compare === undefined) throw attrs.error('bad-value', `unknown compare "${op}" (${COMPARE_OPS.join(', ')})`, 'compare');
  const value = attrs.double('value');
  if (value !== undefined && attrs.has('variable2')) throw attrs.error('bad-value', 'value and variable2 are mutually exclusive', 'variable2');
  if (value !== undefined) return { kind: 'test', location: attrs.location, assignTo, variable, compare, value };
  return { kind: 'test', location: attrs.location, assignTo, variable, compare, variable2: attrs.requiredVariable('variable2') };
}

/** SIPp handle_rhs: exactly one of value and variable. */
function valueOrVariable(attrs: AttributeReader): { value?: number; variable?: string } {
  const value = attrs.double('value');
  const variable = attrs.variable('variable');
  if (value !== undefined && variable !== undefined) throw attrs.error('bad-value', 'value and variable are mutually exclusive', 'variable');
  if (value !== undefined) return { value };
  if (variable !== undefined) return { variable };
  throw attrs.error('missing-field', `<${attrs.element.name}> needs value or variable`, 'value');
}

/** SIPp 3.7 check_it on strcmp/test has no counterpart in the model. */
function refuseCheckIt(attrs: AttributeReader): void {
  for (const name of ['check_it', 'check_it_inverse']) {
    if (attrs.has(name)) throw attrs.error('unsupported', `${name} on <${attrs.element.name}> is not supported (only on ereg)`, name);
  }
}
