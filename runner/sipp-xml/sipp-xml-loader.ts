/**
 * SIPp's XML scenario language (ecosystem.md §2.2–2.5, SIPp scenario.cpp) loaded into the scenario
 * model: one agent per file, every command and attribute mapped or refused with its line.
 */
import { basename, extname } from 'node:path';
import { ScenarioLoadError, type AgentScenario, type ScenarioFile, type Step } from '../model/scenario';
import { AttributeReader } from './attribute-reader';
import { isStepElement, readStep } from './sipp-steps';
import { readXml, type XmlElement } from './xml-reader';

/** Top-level SIPp elements that exist but are refused, with why. */
export const UNSUPPORTED_ELEMENTS: Readonly<Record<string, string>> = {
  init: 'the <init> stanza is not supported',
  DefaultMessage: '<DefaultMessage> is not supported',
};

export interface LoadSippXmlOptions {
  /** Name for the file and its agent (default: the file's base name without `.xml`). */
  readonly name?: string;
}

export function loadSippXml(text: string, file: string, options: LoadSippXmlOptions = {}): ScenarioFile {
  const root = readXml(text, file);
  if (root.name !== 'scenario') {
    throw new ScenarioLoadError('syntax', { file, line: root.line }, `the root element must be <scenario>, not <${root.name}>`);
  }
  const rootAttrs = new AttributeReader(root, file);
  rootAttrs.string('name');
  rootAttrs.finish();
  const name = options.name ?? basename(file, extname(file));
  const agent = new AgentBuilder(file).build(root, name);
  return { name, file, format: 'sipp-xml', agents: [agent] };
}

interface Variables {
  global: string[];
  user: string[];
  reference: string[];
}

class AgentBuilder {
  private readonly steps: Step[] = [];
  private readonly labels = new Map<string, number>();
  private readonly variables: Variables = { global: [], user: [], reference: [] };
  private responseTimeRepartitionMs?: number[];
  private callLengthRepartitionMs?: number[];
  private lastRecvOptional = false;
  private timewaitLine: number | undefined;
  private readonly txns = new TransactionCheck();

  constructor(private readonly file: string) {}

  build(root: XmlElement, name: string): AgentScenario {
    for (const child of root.children) {
      if (child.kind === 'element') this.command(child);
      else if (child.kind === 'cdata' || child.text.trim() !== '') {
        throw new ScenarioLoadError('syntax', { file: this.file, line: child.line }, 'unexpected text inside <scenario>', '<scenario>');
      }
    }
    const location = { file: this.file, line: root.line };
    if (this.steps.length === 0) throw new ScenarioLoadError('missing-field', location, 'the scenario has no messages', '<scenario>');
    this.checkLabels();
    this.txns.validate(this.file);
    return {
      name, role: roleOf(this.steps), location, steps: this.steps.map(compactStep), labels: this.labels,
      globalVariables: this.variables.global, userVariables: this.variables.user, referenceVariables: this.variables.reference,
      responseTimeRepartitionMs: this.responseTimeRepartitionMs, callLengthRepartitionMs: this.callLengthRepartitionMs,
    };
  }

  private command(element: XmlElement): void {
    const attrs = new AttributeReader(element, this.file);
    switch (element.name) {
      case 'label': return this.label(attrs);
      case 'ResponseTimeRepartition': this.responseTimeRepartitionMs = repartition(attrs); return;
      case 'CallLengthRepartition': this.callLengthRepartitionMs = repartition(attrs); return;
      case 'Global': this.variables.global.push(...variableNames(attrs)); return;
      case 'User': this.variables.user.push(...variableNames(attrs)); return;
      case 'Reference': this.variables.reference.push(...variableNames(attrs)); return;
      default: return this.step(element, attrs);
    }
  }

  private step(element: XmlElement, attrs: AttributeReader): void {
    if (!isStepElement(element.name)) {
      const why = UNSUPPORTED_ELEMENTS[element.name];
      if (why !== undefined) throw attrs.error('unsupported', why);
      throw attrs.error('unknown-step', `unknown command <${element.name}>`);
    }
    if (this.timewaitLine !== undefined) throw attrs.error('bad-value', `<timewait> (line ${this.timewaitLine}) must be the last message of the scenario`);
    const isRecv = element.name === 'recv' || element.name === 'recvCmd';
    // SIPp checkOptionalRecv: a run of optional recvs must end with a mandatory one.
    if (!isRecv && this.lastRecvOptional) {
      throw attrs.error('bad-value', `an optional <recv> before <${element.name}> needs a mandatory <recv> in between; remove one optional="true"`);
    }
    const info = readStep(element, this.file);
    this.lastRecvOptional = info.step.kind === 'recv' && info.step.optional !== false;
    if (info.timewait) this.timewaitLine = element.line;
    this.txns.note(info.step, info.method);
    this.steps.push(info.step);
  }

  private label(attrs: AttributeReader): void {
    const id = attrs.required('id');
    attrs.finish();
    if (attrs.element.children.some((c) => c.kind === 'element' || c.text.trim() !== '')) throw attrs.error('syntax', '<label> must be empty');
    if (this.labels.has(id)) throw attrs.error('bad-value', `the label "${id}" is defined twice`, 'id');
    this.labels.set(id, this.steps.length);
  }

  private checkLabels(): void {
    for (const step of this.steps) {
      const targets: Array<[string, string | undefined]> = [['next', step.next]];
      if (step.kind === 'recv' || step.kind === 'recvCmd') targets.push(['ontimeout', step.onTimeout]);
      for (const [attribute, label] of targets) {
        if (label !== undefined && !this.labels.has(label)) {
          throw new ScenarioLoadError('unknown-label', step.location, `the label "${label}" is not defined`, attribute);
        }
      }
    }
  }
}

/** SIPp computeSippMode: the first message command (pauses and nops skipped) decides; send/sendCmd make a client. */
function roleOf(steps: readonly Step[]): 'uac' | 'uas' {
  for (const step of steps) {
    if (step.kind === 'send' || step.kind === 'sendCmd') return 'uac';
    if (step.kind === 'recv' || step.kind === 'recvCmd') return 'uas';
  }
  return 'uac';
}

/** SIPp isWellFormed: comma-separated non-negative integers. */
function repartition(attrs: AttributeReader): number[] {
  const value = attrs.required('value');
  attrs.finish();
  if (!/^\s*\d+\s*(,\s*\d+\s*)*$/.test(value)) throw attrs.error('bad-value', `"${value}" is not a list of integers`, 'value');
  return value.split(',').map((v) => Number(v.trim()));
}

function variableNames(attrs: AttributeReader): string[] {
  const names = attrs.variableList('variables');
  attrs.finish();
  return names;
}

function compactStep(step: Step): Step {
  const actions = 'actions' in step ? { actions: step.actions.map(compact) } : {};
  return { ...compact(step), ...actions };
}

/** Drops keys whose value is undefined so the model objects hold only what the file said. */
function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}

/** SIPp validate_txn_usage: every start_txn has a response_txn, INVITE ones an ack_txn too. */
class TransactionCheck {
  private readonly txns = new Map<string, { line: number; started: number; responses: number; acks: number; invite: boolean }>();

  note(step: Step, method: string | undefined): void {
    const entry = (name: string): { line: number; started: number; responses: number; acks: number; invite: boolean } => {
      let txn = this.txns.get(name);
      if (txn === undefined) {
        txn = { line: step.location.line, started: 0, responses: 0, acks: 0, invite: false };
        this.txns.set(name, txn);
      }
      return txn;
    };
    if (step.kind === 'send' && step.startTxn !== undefined) {
      const txn = entry(step.startTxn);
      txn.started++;
      txn.invite = txn.invite || method === 'INVITE';
    }
    if (step.kind === 'send' && step.ackTxn !== undefined) entry(step.ackTxn).acks++;
    if (step.kind === 'recv' && step.responseTxn !== undefined) entry(step.responseTxn).responses++;
  }

  validate(file: string): void {
    for (const [name, txn] of this.txns) {
      const fail = (detail: string): never => {
        throw new ScenarioLoadError('bad-value', { file, line: txn.line }, detail, 'start_txn');
      };
      if (txn.started === 0) fail(`transaction ${name} is never started`);
      if (txn.responses === 0) fail(`transaction ${name} has no responses (response_txn)`);
      if (txn.invite && txn.acks === 0) fail(`transaction ${name} is an INVITE transaction without an ACK (ack_txn)`);
      if (!txn.invite && txn.acks > 0) fail(`transaction ${name} is a non-INVITE transaction with an ACK`);
    }
  }
}
