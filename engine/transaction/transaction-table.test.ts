/** The transaction table: entries sharing a primary string (an INVITE and its CANCEL, §9.1) are told apart by the matcher. */
import t from 'tap';
import { TransactionTable } from './transaction-table';

interface Tx { readonly primary: string; readonly method: string }
const byMethod = (tx: Tx, method: string) => tx.method === method;

t.test('entries under one primary are found, removed by identity, and counted', async (t) => {
  const table = new TransactionTable<Tx>();
  const invite = { primary: 'z9hG4bK1', method: 'INVITE' };
  const cancel = { primary: 'z9hG4bK1', method: 'CANCEL' };
  const other = { primary: 'z9hG4bK2', method: 'INVITE' };
  table.add(invite);
  table.add(cancel);
  table.add(other);
  t.equal(table.size, 3);
  t.equal(table.find('z9hG4bK1', 'INVITE', byMethod), invite);
  t.equal(table.find('z9hG4bK1', 'CANCEL', byMethod), cancel);
  t.equal(table.find('z9hG4bK1', 'BYE', byMethod), undefined);
  t.equal(table.find('z9hG4bK3', 'INVITE', byMethod), undefined);
  t.equal(table.remove({ primary: 'z9hG4bK1', method: 'INVITE' }), false, 'an equal but different object is not removed');
  t.equal(table.remove(invite), true);
  t.equal(table.find('z9hG4bK1', 'INVITE', byMethod), undefined);
  t.equal(table.find('z9hG4bK1', 'CANCEL', byMethod), cancel);
  t.equal(table.remove(cancel), true);
  t.equal(table.remove(cancel), false);
  t.equal(table.remove(other), true);
  t.equal(table.size, 0);
});
