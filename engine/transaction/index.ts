/** The transaction layer's public surface (RFC 3261 §17, RFC 6026, §9.2 CANCEL matching). */
export { TransactionLayer, type TransactionLayerOptions } from './transaction-layer';
export {
  defaultTransactionConfig, resolveTransactionConfig, TransactionConfigError, validateTransactionConfig, type TransactionConfig,
} from './transaction-config';
export * from './transaction-types';
export {
  cancelTargetKey, clientTransactionKey, isRfc3261Branch, MAGIC_COOKIE, responseKey, serverTransactionKey,
} from './transaction-key';
