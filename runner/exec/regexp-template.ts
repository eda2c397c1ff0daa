/**
 * Keywords inside YAML assert regexps (`header-matches: { header: Contact, regexp: "@[remote_ip]" }`):
 * a `[...]` that is a runner keyword is replaced by its value, matched literally; any other `[...]`
 * (`[0-9]`, `[^>]`) stays a character class.
 */
import { ScenarioLoadError, type SourceLocation } from '../model/scenario';
import { compileKeyword, type KeywordScope, type Segment } from './keywords';
import type { CompiledTemplate } from './template';

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A template rendering the regexp source per call, or undefined when the regexp has no keyword. */
export function compileRegexpTemplate(source: string, location: SourceLocation, scope: KeywordScope): CompiledTemplate | undefined {
  const segments: Segment[] = [];
  let literal = '';
  let keywords = 0;
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('[', i);
    const close = open < 0 ? -1 : source.indexOf(']', open + 1);
    // `\[` is a literal bracket in a regexp, never a keyword.
    if (open < 0 || close < 0) {
      literal += source.slice(i);
      break;
    }
    if (open > 0 && source[open - 1] === '\\') {
      literal += source.slice(i, open + 1);
      i = open + 1;
      continue;
    }
    literal += source.slice(i, open);
    const segment = keywordOrUndefined(source.slice(open + 1, close), location, scope);
    if (segment === undefined || segment.kind === 'len' || segment.kind === 'auth') {
      literal += source.slice(open, close + 1);
    } else if (segment.kind === 'text') {
      keywords++;
      literal += escape(segment.text);
    } else {
      keywords++;
      if (literal !== '') segments.push({ kind: 'text', text: literal });
      literal = '';
      const evaluate = segment.evaluate;
      segments.push({ kind: 'value', lastHeader: false, evaluate: (call, env) => escape(evaluate(call, env)) });
    }
    i = close + 1;
  }
  if (keywords === 0) return undefined;
  if (literal !== '') segments.push({ kind: 'text', text: literal });
  return { lines: [segments], hasLen: false, lenOffset: 0, auth: undefined, contentLengthLiteral: false, sip: false, firstWord: undefined };
}

function keywordOrUndefined(inner: string, location: SourceLocation, scope: KeywordScope): Segment | undefined {
  try {
    return compileKeyword(inner, location, scope);
  } catch (error) {
    if (error instanceof ScenarioLoadError) return undefined;
    throw error;
  }
}
