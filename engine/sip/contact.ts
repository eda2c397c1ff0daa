/** Contact values (RFC 3261 §20.10): `*` (REGISTER only, §10.2.2) or name-addrs with `expires` and `q`. */
import type { ContactValue, NameAddr } from './types';
import { parseNameAddr } from './name-addr';
import { parseDecimal } from './text-scan';

/** Parses the values of every Contact line (already split on commas); undefined when any element is malformed. */
export function parseContactValues(values: readonly string[]): ContactValue | undefined {
  if (values.length === 1 && values[0] === '*') return { star: true };
  const contacts: NameAddr[] = [];
  for (const value of values) {
    if (value === '*') return undefined;
    const contact = parseNameAddr(value);
    if (contact === undefined) return undefined;
    contacts.push(contact);
  }
  return contacts.length === 0 ? undefined : { star: false, contacts };
}

/** The `expires` param of a contact in seconds (§10.2.1.1), capped at 2^32-1; undefined when absent or malformed. */
export function contactExpires(contact: NameAddr): number | undefined {
  const raw = contact.params.get('expires');
  if (typeof raw !== 'string') return undefined;
  return parseDecimal(raw, 2 ** 32 - 1);
}
