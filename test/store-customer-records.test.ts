import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Journal, JournalWriteError } from '../server/store/journal.js';
import { Store, StoreWriteError } from '../server/store/store.js';
import type { OpenVa } from '../server/model/open-va.js';
import type { SavedCard } from '../server/model/saved-card.js';

const opened: Store[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

async function open(db: string, options: Parameters<typeof Store.open>[1] = {}): Promise<Store> {
  const store = await Store.open(db, options);
  opened.push(store);
  return store;
}

async function reopen(store: Store, db: string): Promise<Store> {
  await store.close();
  opened.splice(opened.indexOf(store), 1);
  return open(db);
}

const dataFile = () => join(mkdtempSync(join(tmpdir(), 'finnet-mock-')), 'data.json');

function savedCard(id: string, merchantId = 'M'): SavedCard {
  return {
    kind: 'savedCard', id, merchantId, customerId: 'cust-1', savedBy: 'ORD-1', createdAt: 1,
    card: { mask: '411111xxxxxx1111', info: { brand: 'VISA', issuing: 'X', type: 'CREDIT', subType: 'CLASSIC', country: 'ID' } },
  };
}

const openVa = (paymentCode: string, merchantId = 'M'): OpenVa =>
  ({ kind: 'openVa', id: `vabca/${paymentCode}`, merchantId, channel: 'vabca', paymentCode, createdAt: 2, customer: {} });

describe('customer records in the data file', () => {
  it('come back after a restart, from the journal and after a fold, with their latest change', async () => {
    const db = dataFile();
    let store = await open(db);
    const card = savedCard('a'.repeat(64));
    store.addCustomerRecord(card);
    store.addCustomerRecord(openVa('3833700000000001'));
    await store.commit();
    card.deletedAt = 5;
    await store.commit(card);
    // Closed without folding: the records are read back from the journal.
    await store.close();
    opened.length = 0;
    expect(readFileSync(`${db}.journal`, 'utf8')).toContain('"t":"cr"');
    store = await open(db);
    expect(store.getCustomerRecord('savedCard', 'M', 'a'.repeat(64))?.deletedAt).toBe(5);
    expect(store.customerRecords('openVa').map((r) => r.paymentCode)).toEqual(['3833700000000001']);
    // Folded into the snapshot on a clean stop.
    await store.compact();
    opened.length = 0;
    expect(readFileSync(db, 'utf8')).toContain('"customerRecords":[');
    store = await open(db);
    expect(store.getCustomerRecord('savedCard', 'M', 'a'.repeat(64))?.card.mask).toBe('411111xxxxxx1111');
    expect(store.getCustomerRecord('savedCard', 'OTHER', 'a'.repeat(64))).toBeUndefined();
  });

  it('are forgotten by a reset of their merchant only, on disk too', async () => {
    const db = dataFile();
    let store = await open(db);
    store.addCustomerRecord(savedCard('b'.repeat(64), 'M'));
    store.addCustomerRecord(savedCard('c'.repeat(64), 'N'));
    await store.commit();
    store.reset('M');
    await store.commit();
    store = await reopen(store, db);
    expect(store.customerRecords('savedCard').map((r) => r.merchantId)).toEqual(['N']);
  });

  it('a record whose write fails is not kept, in memory or on disk', async () => {
    const db = dataFile();
    let store = await open(db);
    vi.spyOn(Journal.prototype, 'append').mockRejectedValueOnce(new JournalWriteError('ENOSPC'));
    store.addCustomerRecord(openVa('3833700000000002'));
    await expect(store.commit()).rejects.toBeInstanceOf(StoreWriteError);
    expect(store.customerRecords('openVa')).toEqual([]);
    store = await reopen(store, db);
    expect(store.customerRecords('openVa')).toEqual([]);
  });

  it('a malformed customer record in the journal refuses the file, naming the line', async () => {
    const db = dataFile();
    const store = await open(db);
    store.addCustomerRecord(openVa('3833700000000003'));
    await store.commit();
    await store.close();
    opened.length = 0;
    writeFileSync(`${db}.journal`, `${readFileSync(`${db}.journal`, 'utf8')}{"t":"cr","v":{"kind":"openVa","id":"x"}}\n`);
    await expect(Store.open(db)).rejects.toThrow(/customerRecord that has no merchantId/);
  });

  it('a format 3 data file (no customer records) still opens', async () => {
    const db = dataFile();
    writeFileSync(db, '{"format":"finnet-mock","version":3,"generation":0,"clock":{"offsetMs":0,"frozenAt":null},"transactions":[\n],"deliveries":[\n]}\n');
    const store = await open(db);
    expect(store.customerRecords('savedCard')).toEqual([]);
    store.addCustomerRecord(savedCard('d'.repeat(64)));
    await store.commit();
    const again = await reopen(store, db);
    expect(again.customerRecords('savedCard')).toHaveLength(1);
  });
});
