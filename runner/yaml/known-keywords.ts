/**
 * Load-time check of the `[keyword]`s in a message (SIPp 3.6 keywords, ecosystem.md §2.3, plus our
 * `[agent:NAME]`, `[agent_ip:NAME]`, `[agent_port:NAME]`), by the executor's own keyword compiler.
 */
import type { SocketAddress } from '../../engine/ports/transport';
import { compileKeyword, type KeywordScope } from '../exec/keywords';
import { ScenarioLoadError } from '../model/scenario';

/** The executor's keyword compiler is the one list of names; at load time agent addresses are placeholders. */
const PLACEHOLDER: SocketAddress = { host: '192.0.2.1', port: 5060 };
const FIELD = /^field\d+(\s|$)/;

/** A problem with one keyword: unknown name, a known one this runner refuses, or one used wrongly (an agent that does not exist). */
export interface KeywordProblem {
  readonly code: 'unknown-keyword' | 'unsupported' | 'bad-value';
  readonly detail: string;
}

const scopes = new WeakMap<ReadonlySet<string>, KeywordScope>();

function scopeFor(agents: ReadonlySet<string>): KeywordScope {
  let scope = scopes.get(agents);
  if (scope === undefined) {
    scope = { agents: new Map([...agents].map((name) => [name, PLACEHOLDER])), injection: [] };
    scopes.set(agents, scope);
  }
  return scope;
}

/** Checks the text between `[` and `]`; `agents` are the agent names `[agent:NAME]` may use. */
export function checkKeyword(inner: string, agents: ReadonlySet<string>): KeywordProblem | undefined {
  try {
    compileKeyword(inner, { file: '', line: 0 }, scopeFor(agents));
    return undefined;
  } catch (err) {
    if (!(err instanceof ScenarioLoadError)) throw err;
    // Injection files (-inf) are given at run time, so [fieldN] can only be checked then.
    if (FIELD.test(inner.trim()) && err.code === 'bad-value') return undefined;
    const code = err.code === 'unsupported' || err.code === 'bad-value' ? err.code : 'unknown-keyword';
    const hint = code === 'unknown-keyword' ? ' (a literal "[" cannot be written in a message: SIPp reads every [..] as a keyword)' : '';
    return { code, detail: `${err.detail}${hint}` };
  }
}

/** Every `[...]` in one line of text, with its column (0-based); an unterminated `[` is not a keyword. */
export function keywordsInLine(line: string): { readonly inner: string; readonly column: number }[] {
  const found: { inner: string; column: number }[] = [];
  let from = 0;
  for (;;) {
    const open = line.indexOf('[', from);
    if (open < 0) return found;
    const close = line.indexOf(']', open + 1);
    if (close < 0) return found;
    found.push({ inner: line.slice(open + 1, close), column: open });
    from = close + 1;
  }
}

/** The first problem in a multi-line text, with the 0-based index of its line. */
export function firstKeywordProblem(text: string, agents: ReadonlySet<string>): (KeywordProblem & { readonly lineIndex: number }) | undefined {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    for (const keyword of keywordsInLine(lines[index] ?? '')) {
      const problem = checkKeyword(keyword.inner, agents);
      if (problem !== undefined) return { ...problem, lineIndex: index };
    }
  }
  return undefined;
}
