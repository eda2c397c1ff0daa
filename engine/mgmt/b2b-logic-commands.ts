/** `b2b_logic:list` and `b2b_logic:terminate_call` (opensips-b2b.md §2.4), with OpenSIPS's field names. */
import type { EntitySnapshot, SessionSnapshot } from '../b2b/logic/logic-types';
import type { MiCommand, MiValue } from './mi-types';

export const b2bLogicList: MiCommand = {
  name: 'b2b_logic:list',
  aliases: ['b2b_list'],
  params: [],
  help: 'every B2B session with its entities',
  run: (target) => ({ ok: true, result: { Tuples: target.logic.list().map(sessionValue) } }),
};

export const b2bLogicTerminateCall: MiCommand = {
  name: 'b2b_logic:terminate_call',
  aliases: ['b2b_terminate_call'],
  params: [{ name: 'key', required: true }],
  help: 'ends a session (BYE/CANCEL to both parties); key = session key or callid;from-tag;to-tag of one leg',
  run: (target, params) => {
    const key = params.key;
    if (typeof key !== 'string' || key === '') return { ok: false, error: { code: 400, message: 'Bad key' } };
    return target.logic.terminate(key) ? { ok: true, result: 'OK' } : { ok: false, error: { code: 404, message: 'B2B session not found' } };
  },
};

function sessionValue(s: SessionSnapshot): MiValue {
  return {
    id: s.id,
    key: s.key,
    state: s.state,
    lifetime: s.lifetime,
    db_flag: s.dbFlag,
    scenario: s.scenario,
    SERVERS: s.servers.map(entityValue),
    CLIENTS: s.clients.map(entityValue),
    BRIDGE_ENTITIES: s.bridgeEntities.map(entityValue),
  };
}

function entityValue(e: EntitySnapshot): MiValue {
  return {
    index: e.index,
    scenario_id: e.scenarioId ?? null,
    key: e.key,
    disconnected: e.disconnected ? 1 : 0,
    state: e.state,
    no: e.no,
    type: e.type === 'server' ? 0 : 1,
    peer: e.peer ?? null,
    to_uri: e.toUri,
    from_uri: e.fromUri,
    from_dname: e.fromDname ?? null,
  };
}
