/**
 * `b2bkit mi CMD [ARGS…] [--url URL]`: a JSON-RPC 2.0 client for the engine's management endpoint
 * (like OpenSIPS's `opensips-cli -x mi`). ARGS are positional values or name=value pairs.
 */
import type { CliIo } from '../node-io';

export const DEFAULT_MI_URL = 'http://127.0.0.1:8888/mi';

const USAGE = [
  'usage: b2bkit mi COMMAND [ARG...] [--url URL]',
  '  COMMAND   b2b_logic:list (b2b_list)',
  '            b2b_logic:terminate_call KEY (b2b_terminate_call)',
  '            b2b_logic:trigger_scenario SCENARIO ID,URI[,DNAME] ID,URI[,DNAME] [CONTEXT] (b2b_trigger_scenario)',
  '            b2b_logic:bridge DIALOG_ID NEW_URI [FLAG] [PROV_MEDIA_URI] (b2b_bridge)',
  '            b2b_entities:list (b2be_list)',
  '  ARG       a positional value, or name=value (e.g. key=272.1); a name given twice, or a value',
  '            that is a JSON array, sends an array: context=operator_uri=sip:op@h context=k=v,',
  '            or \'["operator_uri=sip:op@h","k=v"]\'',
  `  --url     the endpoint (default ${DEFAULT_MI_URL})`,
  '',
].join('\n');

type MiArg = string | readonly string[];
export type MiCall = { readonly url: string; readonly method: string; readonly params: readonly MiArg[] | Readonly<Record<string, MiArg>> };

/** A value written as a JSON array of strings is sent as that array (the MI `context` param is one). */
function argValue(text: string): MiArg {
  if (!text.startsWith('[')) return text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed) && parsed.every((v) => typeof v === 'string')) return parsed as string[];
  } catch {
    // not JSON: sent as typed
  }
  return text;
}

export function parseMiArgs(args: readonly string[]): MiCall | { readonly error: string } | 'help' {
  let url = DEFAULT_MI_URL;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--url') {
      const value = args[++i];
      if (value === undefined) return { error: '--url needs a value' };
      url = value;
    } else if (arg.startsWith('--url=')) {
      url = arg.slice('--url='.length);
    } else {
      rest.push(arg);
    }
  }
  const [method, ...values] = rest;
  if (method === undefined) return { error: 'missing COMMAND' };
  const named = values.length > 0 && values.every((v) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(v));
  if (!named) return mixed(url, method, values) ?? { url, method, params: values.map(argValue) };
  return { url, method, params: namedParams(values, {}) };
}

/** Parameter names of the commands that take several, in positional order, so positional and name=value may mix. */
const PARAM_ORDER: Readonly<Record<string, readonly string[]>> = {
  'b2b_logic:trigger_scenario': ['scenario_id', 'entity1', 'entity2', 'context'],
  b2b_trigger_scenario: ['scenario_id', 'entity1', 'entity2', 'context'],
  'b2b_logic:bridge': ['dialog_id', 'new_uri', 'flag', 'prov_media_uri'],
  b2b_bridge: ['dialog_id', 'new_uri', 'flag', 'prov_media_uri'],
  'b2b_logic:terminate_call': ['key'],
  b2b_terminate_call: ['key'],
};

/**
 * `trigger_scenario marketing customer,… media,… context=operator_uri=…`: leading positional values, then values
 * naming one of the command's parameters. Undefined when the arguments are not of that shape (sent positionally).
 */
function mixed(url: string, method: string, values: readonly string[]): MiCall | undefined {
  const order = PARAM_ORDER[method];
  if (order === undefined) return undefined;
  const namesParam = (v: string): boolean => {
    const eq = v.indexOf('=');
    return eq > 0 && order.includes(v.slice(0, eq));
  };
  const firstNamed = values.findIndex(namesParam);
  if (firstNamed <= 0 || !values.slice(firstNamed).every(namesParam)) return undefined;
  const params: Record<string, MiArg> = {};
  values.slice(0, firstNamed).forEach((v, i) => {
    const name = order[i];
    if (name !== undefined) params[name] = argValue(v);
  });
  return { url, method, params: namedParams(values.slice(firstNamed), params) };
}

function namedParams(values: readonly string[], params: Record<string, MiArg>): Record<string, MiArg> {
  for (const v of values) {
    const eq = v.indexOf('=');
    const name = v.slice(0, eq);
    const value = argValue(v.slice(eq + 1));
    const before = params[name];
    // A repeated name collects an array (`context=a=1 context=b=2`).
    params[name] = before === undefined ? value : [...(typeof before === 'string' ? [before] : before), ...(typeof value === 'string' ? [value] : value)];
  }
  return params;
}

export async function runMi(args: readonly string[], io: CliIo): Promise<number> {
  const call = parseMiArgs(args);
  if (call === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if ('error' in call) {
    io.stderr(`b2bkit mi: ${call.error}\n${USAGE}`);
    return 2;
  }
  let body: unknown;
  try {
    const response = await fetch(call.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: call.method, params: call.params }),
    });
    const text = await response.text();
    body = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      io.stderr(`b2bkit mi: HTTP ${response.status} from ${call.url}${text === '' ? '' : `: ${text.trim()}`}\n`);
      return 1;
    }
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    io.stderr(`b2bkit mi: cannot reach ${call.url}: ${cause ?? (error as Error).message}\n`);
    return 1;
  }
  const reply = body as { result?: unknown; error?: { code?: unknown; message?: unknown } } | undefined;
  if (reply?.error !== undefined) {
    io.stderr(`${JSON.stringify(reply.error, null, 2)}\n`);
    return 1;
  }
  io.stdout(`${JSON.stringify(reply?.result ?? null, null, 2)}\n`);
  return 0;
}
