/** YAML `assert:` checks on the last received message or a variable (our addition to SIPp's check_it). */
import type { Node } from 'yaml';
import type { Action, AssertCheck } from '../model/scenario';
import { checkRegexp, fail, locationOf, optString, readMap, reqName, reqNumber, reqString, type MapView, type YamlSource } from './yaml-reader';

export const ASSERT_KINDS = ['header-count', 'header-absent', 'header-matches', 'body-present', 'body-matches', 'variable-equals'] as const;
type AssertKind = (typeof ASSERT_KINDS)[number];

function isAssertKind(key: string): key is AssertKind {
  return (ASSERT_KINDS as readonly string[]).includes(key);
}

/**
 * One check: a mapping with one check key and an optional `description`, e.g.
 * `{ header-count: { header: Via, count: 1 } }`, `{ header-absent: Record-Route }`, `{ body-present: true }`.
 */
export function readAssert(src: YamlSource, node: Node, field: string): Action {
  const map = readMap(src, node, field, 'an assert');
  const kinds = map.keys().filter(isAssertKind);
  if (kinds.length !== 1) {
    const other = map.keys().find((key) => key !== 'description' && !isAssertKind(key));
    if (other !== undefined) fail(src, 'unknown-attribute', map.line(other), map.sub(other), `unknown assert "${other}" (known: ${ASSERT_KINDS.join(', ')})`);
    fail(src, kinds.length === 0 ? 'missing-field' : 'bad-value', map.line(), field, `an assert has exactly one of ${ASSERT_KINDS.join(', ')}`);
  }
  const kind = kinds[0] as AssertKind;
  map.allowOnly([kind, 'description'], 'an assert');
  const check = readCheck(map, kind);
  return { kind: 'assert', location: locationOf(src, node), description: optString(map, 'description') ?? describeCheck(check), check };
}

function readCheck(map: MapView, kind: AssertKind): AssertCheck {
  switch (kind) {
    case 'header-count': {
      const args = readMap(map.src, map.get(kind), map.sub(kind), kind, map.line(kind)).allowOnly(['header', 'count'], kind);
      return { kind, header: reqName(args, 'header', kind), count: reqNumber(args, 'count', kind, { min: 0, integer: true }) };
    }
    case 'header-absent':
      return { kind, header: reqName(map, kind, 'header-absent') };
    case 'header-matches': {
      const args = readMap(map.src, map.get(kind), map.sub(kind), kind, map.line(kind)).allowOnly(['header', 'regexp'], kind);
      const regexp = reqString(args, 'regexp', kind);
      checkRegexp(args, 'regexp', regexp);
      return { kind, header: reqName(args, 'header', kind), regexp };
    }
    case 'body-present': {
      const value = map.get(kind);
      if (value === null || value === undefined || !('value' in value) || typeof value.value !== 'boolean') {
        return fail(map.src, 'bad-value', map.line(kind), map.sub(kind), '"body-present" must be true or false');
      }
      return { kind, present: value.value };
    }
    case 'body-matches': {
      const regexp = reqString(map, kind, kind);
      checkRegexp(map, kind, regexp);
      return { kind, regexp };
    }
    case 'variable-equals': {
      const args = readMap(map.src, map.get(kind), map.sub(kind), kind, map.line(kind)).allowOnly(['variable', 'value'], kind);
      return { kind, variable: reqName(args, 'variable', kind), value: reqName(args, 'value', kind) };
    }
    default: {
      const never: never = kind;
      throw new Error(`unhandled assert ${String(never)}`);
    }
  }
}

function describeCheck(check: AssertCheck): string {
  switch (check.kind) {
    case 'header-count': return `${check.header} appears ${check.count} time(s)`;
    case 'header-absent': return `no ${check.header} header`;
    case 'header-matches': return `${check.header} matches /${check.regexp}/`;
    case 'body-present': return check.present ? 'a body is present' : 'no body';
    case 'body-matches': return `body matches /${check.regexp}/`;
    case 'variable-equals': return `$${check.variable} equals "${check.value}"`;
    default: {
      const never: never = check;
      throw new Error(`unhandled assert ${String(never)}`);
    }
  }
}
