/** Replaces header (RFC 3891 §6.1): `callid ;to-tag=x ;from-tag=y [;early-only]`. */
import type { ReplacesValue } from './types';
import { formatParams, parseParams } from './params';

export function parseReplaces(text: string): ReplacesValue | undefined {
  const semi = text.indexOf(';');
  if (semi < 0) return undefined;
  const callId = text.slice(0, semi).trim();
  if (callId.length === 0 || /[ \t]/.test(callId)) return undefined;
  const params = parseParams(text, semi);
  if (params === undefined) return undefined;
  const toTag = params.get('to-tag');
  const fromTag = params.get('from-tag');
  // RFC 3891 §6.1: to-tag and from-tag are both mandatory.
  if (typeof toTag !== 'string' || typeof fromTag !== 'string') return undefined;
  return { callId, toTag, fromTag, earlyOnly: params.has('early-only'), params };
}

export function formatReplaces(value: ReplacesValue): string {
  const params = new Map(value.params);
  params.set('to-tag', value.toTag);
  params.set('from-tag', value.fromTag);
  if (value.earlyOnly) params.set('early-only', null);
  else params.delete('early-only');
  return value.callId + formatParams(params);
}
