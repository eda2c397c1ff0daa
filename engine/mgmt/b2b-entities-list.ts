/** `b2b_entities:list` (opensips-b2b.md §3.3): server and client entities with their dialog fields. */
import { formatNameAddr } from '../sip/name-addr';
import { formatUri } from '../sip/uri';
import type { Entity } from '../b2b/entities/entity-types';
import type { MiCommand, MiValue } from './mi-types';

export const b2bEntitiesList: MiCommand = {
  name: 'b2b_entities:list',
  aliases: ['b2be_list'],
  params: [],
  help: 'every B2B entity (dialog) with state, Call-ID, tags, URIs, contact, CSeq and logic key',
  run: (target) => {
    const servers: MiValue[] = [];
    const clients: MiValue[] = [];
    for (const entity of target.entities.entities()) (entity.kind === 'server' ? servers : clients).push(entityValue(entity));
    return { ok: true, result: { 'Server Entities': servers, 'Client Entities': clients } };
  },
};

function entityValue(e: Entity): MiValue {
  const request = e.initialRequest;
  // From/To as the dialog's initial INVITE carried them: a server entity's From is the far end, a client's is us.
  const fromTag = e.kind === 'server' ? e.remoteTag : e.localTag;
  const toTag = e.kind === 'server' ? e.localTag : e.remoteTag;
  return {
    key: e.key,
    type: e.kind,
    state: e.state,
    callid: e.callId,
    from: formatNameAddr(e.kind === 'server' ? e.remoteUri : e.localUri),
    to: formatNameAddr(e.kind === 'server' ? e.localUri : e.remoteUri),
    from_tag: fromTag ?? null,
    to_tag: toTag ?? null,
    ruri: request.uriText,
    cseq: request.cseq.seq,
    remote_contact: e.remoteContact === undefined ? null : formatUri(e.remoteContact),
    logic_key: e.logicKey ?? null,
  };
}
