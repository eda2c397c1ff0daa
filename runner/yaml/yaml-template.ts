/** Reads message templates (send, sendCmd, log, assignstr …) and refuses unknown `[keywords]` on the source line that holds them. */
import { isScalar, type Node } from 'yaml';
import { firstKeywordProblem } from './known-keywords';
import { describe, fail, failAt, isNullNode, lineOf, type MapView } from './yaml-reader';

/**
 * The source line of line `lineIndex` of a scalar's value. A literal block (`|`) keeps one value line per
 * source line, starting on the line after the indicator; other styles fold lines, so their first line is used.
 */
export function sourceLineOf(view: MapView, node: Node, lineIndex: number): number {
  const first = lineOf(view.src, node);
  if (isScalar(node) && node.type === 'BLOCK_LITERAL') return first + 1 + lineIndex;
  if (isScalar(node) && node.type === 'BLOCK_FOLDED') return first + 1;
  return first;
}

/** Checks every keyword of a template that is the value of `key`. */
export function checkTemplate(view: MapView, key: string, node: Node, text: string): string {
  const problem = firstKeywordProblem(text, view.src.agentNames);
  if (problem !== undefined) fail(view.src, problem.code, sourceLineOf(view, node, problem.lineIndex), view.sub(key), problem.detail);
  return text;
}

/** A template that must be present and non-empty ('missing-field' otherwise), e.g. a send's message. */
export function reqTemplate(view: MapView, key: string, what: string): string {
  const node = view.get(key) ?? null;
  if (isNullNode(node) || (isScalar(node) && typeof node.value === 'string' && node.value.trim() === '')) {
    fail(view.src, 'missing-field', view.line(key), view.sub(key), `${what} needs a message text`);
  }
  if (node === null || !isScalar(node) || typeof node.value !== 'string') {
    return failAt(view.src, 'bad-value', node, view.sub(key), `${what} must be text (use a "|" block), not ${describe(node)}`);
  }
  return checkTemplate(view, key, node, node.value);
}

/** An optional template-valued key (keywords allowed), e.g. `assignstr.value`, `log`. */
export function optTemplate(view: MapView, key: string): string | undefined {
  if (!view.has(key)) return undefined;
  return reqTemplate(view, key, `"${key}"`);
}
