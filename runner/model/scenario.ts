/**
 * The scenario model both front ends (our YAML, SIPp's XML) load into and the executor plays:
 * SIPp's command language (ecosystem.md §2.2–2.5) with several agents per file.
 */

/** Where a step, action or value came from, so load and run errors name file and line. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
}

/** A whole scenario file: one agent for a SIPp XML file, one or more for our YAML. */
export interface ScenarioFile {
  readonly name: string;
  readonly file: string;
  readonly format: 'yaml' | 'sipp-xml';
  readonly agents: readonly AgentScenario[];
  /** YAML `sut:`: the engine under test, built in the simulator from a script and a configuration. */
  readonly sut?: FlowSut;
}

/**
 * The system under test a flow file declares: the engine with `script` (an absolute path, resolved
 * against the flow file's folder), `configText` (the `config:` mapping as YAML with the flow file's
 * line numbers, parsed by engine/config at run time) and `params` (script_params, templates where
 * `[agent:NAME]` is expanded to that agent's ip:port).
 */
export interface FlowSut {
  readonly location: SourceLocation;
  readonly script: string;
  readonly configText: string | undefined;
  readonly params: ReadonlyMap<string, string>;
}

/**
 * One party's script. `uac` agents start calls themselves (rate, limit, count); `uas` agents get a
 * new call for every message with an unknown Call-ID that their first step expects (SIPp's server
 * mode). What the first step is decides nothing: SIPp allows a uac to start with a recv too (3pcc).
 */
export interface AgentScenario {
  readonly name: string;
  readonly role: 'uac' | 'uas';
  readonly location: SourceLocation;
  readonly steps: readonly Step[];
  /** Label id → index of the step that follows the label (steps.length when the label is last). */
  readonly labels: ReadonlyMap<string, number>;
  /** Where this agent sends by default: another agent's name, or undefined for the run's target (`TARGET_HOST:PORT` / `sut`). */
  readonly target?: string;
  /** Preferred transport; the CLI `-t` wins when given. */
  readonly transport?: 'udp' | 'tcp';
  /** Variables declared `<Global>` (shared by all calls of the agent) and `<User>`; everything else is per call. */
  readonly globalVariables: readonly string[];
  readonly userVariables: readonly string[];
  /** `<Reference variables>`: declared so that using them once is not a load warning. */
  readonly referenceVariables: readonly string[];
  /** `<ResponseTimeRepartition value="10, 20, 30"/>` and `<CallLengthRepartition>` bucket limits. */
  readonly responseTimeRepartitionMs?: readonly number[];
  readonly callLengthRepartitionMs?: readonly number[];
  /** YAML `vars:` initial values (strings) for per-call variables; SIPp has `-set` on the CLI instead. */
  readonly initialVariables?: ReadonlyMap<string, string>;
}

/** Attributes SIPp allows on any command (ecosystem.md §2.2). */
export interface StepCommon {
  readonly location: SourceLocation;
  /** Jump to this label after the step (on an optional recv: only when that message came). */
  readonly next?: string;
  /** With `next`: jump only when this variable is set/true. */
  readonly test?: string;
  /** With `next`: jump with this probability (0–1). */
  readonly chance?: number;
  /** Run the step only when this variable is true (`condexec`), or false with `condexecInverse`. */
  readonly condexec?: string;
  readonly condexecInverse?: boolean;
  /** Response-time timers started / stopped by this step (SIPp `start_rtd`/`rtd`, names or numbers). */
  readonly startRtd?: readonly string[];
  readonly rtd?: readonly string[];
  readonly repeatRtd?: boolean;
  /** Scenario counter incremented when the step runs. */
  readonly counter?: string;
  /** `display` text for the step table; `hide` keeps the step out of it. */
  readonly display?: string;
  readonly hide?: boolean;
  /** SIPp `crlf`: print an empty line after this step in the table. */
  readonly crlf?: boolean;
}

export interface SendStep extends StepCommon {
  readonly kind: 'send';
  /** The message text with SIPp keywords (`[call_id]`, `[$var]`, …); lines end with LF or CRLF in the source. */
  readonly message: string;
  /** UDP retransmission: first interval in ms (SIPp `retrans`, T1 timing doubling to T2 for non-INVITE). */
  readonly retransMs?: number;
  /** Percentage of sends deliberately dropped (testing). */
  readonly lostPercent?: number;
  /** SIPp `start_txn` / `ack_txn`: branch-based transaction names. */
  readonly startTxn?: string;
  readonly ackTxn?: string;
  /** YAML multi-agent: send to this agent (by name) instead of the agent's target. */
  readonly to?: string;
}

/** What a recv step accepts. */
export type RecvMatch =
  | { readonly kind: 'response'; /** A code like 200, or a regexp source over the code text (SIPp regexp response codes). */ readonly code: number | RegExp }
  | { readonly kind: 'request'; /** Method name, or with `regexp_match` a regexp over the method. */ readonly method: string | RegExp };

export interface RecvStep extends StepCommon {
  readonly kind: 'recv';
  readonly match: RecvMatch;
  /** `true`: may be skipped; `'global'`: may match at any point of the call (SIPp `optional="global"`). */
  readonly optional: boolean | 'global';
  /** Store the Record-Route set for `[routes]`. */
  readonly rrs?: boolean;
  /** Store the challenge for `[authentication]`. */
  readonly auth?: boolean;
  readonly ignoreSdp?: boolean;
  readonly lostPercent?: number;
  /** Per-step receive timeout in ms; on expiry jump to `onTimeout`, or fail the call (FailedTimeoutOnRecv). */
  readonly timeoutMs?: number;
  readonly onTimeout?: string;
  /** SIPp `response_txn`: match the response to the transaction started by `start_txn`. */
  readonly responseTxn?: string;
  readonly actions: readonly Action[];
}

/** How long a pause lasts (ecosystem.md §2.2 `<pause>` distributions). */
export type Duration =
  | { readonly kind: 'default' } // SIPp -d
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'variable'; readonly name: string }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'normal'; readonly meanMs: number; readonly stdevMs: number }
  | { readonly kind: 'lognormal'; readonly mean: number; readonly stdev: number }
  | { readonly kind: 'exponential'; readonly meanMs: number }
  | { readonly kind: 'weibull'; readonly lambda: number; readonly k: number }
  | { readonly kind: 'pareto'; readonly k: number; readonly xm: number }
  | { readonly kind: 'gamma'; readonly k: number; readonly theta: number }
  | { readonly kind: 'negbin'; readonly n: number; readonly p: number };

export interface PauseStep extends StepCommon {
  readonly kind: 'pause';
  readonly duration: Duration;
  /** SIPp `sanity_check="false"` allows a pause as the last step. */
  readonly sanityCheck?: boolean;
}

export interface NopStep extends StepCommon {
  readonly kind: 'nop';
  readonly actions: readonly Action[];
}

/** 3PCC (ecosystem.md §2.6): a command to another instance/agent, matched by Call-ID there. */
export interface SendCmdStep extends StepCommon {
  readonly kind: 'sendCmd';
  readonly message: string;
  /** Extended 3PCC: the peer instance's name; YAML: an agent name. */
  readonly dest?: string;
}

export interface RecvCmdStep extends StepCommon {
  readonly kind: 'recvCmd';
  readonly src?: string;
  readonly timeoutMs?: number;
  readonly onTimeout?: string;
  readonly actions: readonly Action[];
}

/**
 * YAML only: a management command run in-process against the system under test (OpenSIPS MI over
 * JSON-RPC); an error fails the call unless it is the `expectError` code.
 */
export interface MiStep extends StepCommon {
  readonly kind: 'mi';
  readonly command: string;
  /** Positional (a list) or named (a mapping) parameters; values are templates with keywords. */
  readonly params: readonly string[] | ReadonlyMap<string, string>;
  /** The MI error code this command must fail with (e.g. 404); absent: it must succeed. */
  readonly expectError?: number;
  /** Stores the result (JSON text) in this variable. */
  readonly assignTo?: string;
}

export type Step = SendStep | RecvStep | PauseStep | NopStep | SendCmdStep | RecvCmdStep | MiStep;

/** Where `ereg` looks. */
export type SearchIn = 'msg' | 'hdr' | 'body' | 'var';

export type CompareOp = 'equal' | 'not_equal' | 'greater_than' | 'less_than' | 'greater_than_equal' | 'less_than_equal';

/** SIPp actions (ecosystem.md §2.4) that the executor carries out; unsupported ones are refused at load. */
export type Action =
  | {
    readonly kind: 'ereg'; readonly location: SourceLocation; /** JavaScript regexp source (the SIPp loader translates POSIX classes). */ readonly regexp: string; readonly searchIn: SearchIn;
    /** Header name for `searchIn: 'hdr'` (with or without the trailing colon); variable name for `'var'`. */
    readonly header?: string; readonly variable?: string;
    readonly caseIndep: boolean; readonly occurrence: number; readonly startLine: boolean;
    readonly checkIt: boolean; readonly checkItInverse: boolean;
    /** First name gets the whole match, the next ones the groups; names may be empty to skip. */
    readonly assignTo: readonly string[];
  }
  | { readonly kind: 'log' | 'warning' | 'error'; readonly location: SourceLocation; readonly message: string }
  | { readonly kind: 'exec'; readonly location: SourceLocation; readonly intCmd?: 'stop_call' | 'stop_gracefully' | 'stop_now'; readonly command?: string }
  | { readonly kind: 'assign'; readonly location: SourceLocation; readonly assignTo: string; readonly value: number }
  | { readonly kind: 'assignstr'; readonly location: SourceLocation; readonly assignTo: string; /** A template with keywords. */ readonly value: string }
  | { readonly kind: 'sample'; readonly location: SourceLocation; readonly assignTo: string; readonly distribution: Duration }
  | { readonly kind: 'todouble'; readonly location: SourceLocation; readonly assignTo: string; readonly variable: string }
  | {
    readonly kind: 'add' | 'subtract' | 'multiply' | 'divide'; readonly location: SourceLocation; readonly assignTo: string;
    readonly value?: number; readonly variable?: string;
  }
  | { readonly kind: 'strcmp'; readonly location: SourceLocation; readonly assignTo: string; readonly variable: string; readonly value?: string; readonly variable2?: string }
  | {
    readonly kind: 'test'; readonly location: SourceLocation; readonly assignTo: string; readonly variable: string;
    readonly compare: CompareOp; readonly value?: number; readonly variable2?: string;
  }
  | { readonly kind: 'jump'; readonly location: SourceLocation; readonly value?: number; readonly variable?: string }
  | { readonly kind: 'gettimeofday'; readonly location: SourceLocation; readonly assignTo: readonly string[] }
  | { readonly kind: 'urlencode' | 'urldecode'; readonly location: SourceLocation; readonly assignTo: string }
  | { readonly kind: 'setdest'; readonly location: SourceLocation; readonly host: string; readonly port: string; readonly protocol: string }
  | {
    /** YAML only: fail the call unless the last received message satisfies this check (count, presence, equality). */
    readonly kind: 'assert'; readonly location: SourceLocation; readonly description: string; readonly check: AssertCheck;
  };

/** What a YAML `assert` action checks on the last received message or a variable. */
export type AssertCheck =
  | { readonly kind: 'header-count'; readonly header: string; readonly count: number }
  | { readonly kind: 'header-absent'; readonly header: string }
  | { readonly kind: 'header-matches'; readonly header: string; readonly regexp: string }
  | { readonly kind: 'body-present'; readonly present: boolean }
  | { readonly kind: 'body-matches'; readonly regexp: string }
  | { readonly kind: 'variable-equals'; readonly variable: string; readonly value: string };

/** A load error: always names the file and line (and the field when the format has fields). */
export class ScenarioLoadError extends Error {
  constructor(
    readonly code: 'syntax' | 'unknown-keyword' | 'unknown-step' | 'unknown-attribute' | 'missing-field' | 'bad-value' | 'unknown-label' | 'unsupported' | 'io',
    readonly location: SourceLocation,
    readonly detail: string,
    readonly field?: string,
  ) {
    super(`${location.file}:${location.line}: ${field === undefined ? '' : `${field}: `}${detail}`);
    this.name = 'ScenarioLoadError';
  }
}
