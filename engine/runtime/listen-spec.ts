/** Listen specs (`udp:127.0.0.1:5060`): the pure parser lives in engine/config so configuration can validate them; re-exported for the runtime. */
export { parseListenSpec, type ListenSpec, type ListenSpecErrorCode, type ListenSpecResult, type SocketProtocol } from '../config/listen-spec';
