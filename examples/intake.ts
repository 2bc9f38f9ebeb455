// Intake in 40 lines: a Tmall payload in, its redelivery, its cancellation, and a bad payload fixed from quarantine.
import { BUILT_IN_CHANNELS, createManualClock, ingest, replayQuarantined } from 'ordo';
import { createMemoryStorage } from 'ordo/adapters/memory';

const storage = createMemoryStorage();
const context = { storage, clock: createManualClock('2026-11-11T00:05:00+08:00'), channels: BUILT_IN_CHANNELS };

// What Tmall sends: yuan strings, Beijing wall time without an offset, Tmall's own status code.
const trade = {
  tid: '3862104598812345',
  buyer_open_uid: 'AAGx7Yk3ABcDeFgH1iJkLmN',
  status: 'WAIT_SELLER_SEND_GOODS',
  created: '2026-11-11 00:00:08',
  payment: '275.00',
  post_fee: '0.00',
  discount_fee: '20.00',
  receiver_name: '王小明',
  receiver_mobile: '13812345678',
  receiver_state: '浙江省',
  receiver_city: '杭州市',
  receiver_address: '文三路 478 号',
  orders: [
    { oid: '3862104598812346', outer_sku_id: 'TEA-LJ-250', num: 2, price: '128.00' },
    { oid: '3862104598812347', outer_sku_id: 'CUP-CELADON', num: 1, price: '39.00' },
  ],
};

const first = await ingest([{ channel: 'tmall', payload: trade }, { channel: 'tmall', payload: trade }], context);
console.log('first batch:', first.counts); // accepted 1 (created and paid), duplicate 1

const order = await storage.orders.findByChannelRef('tmall', trade.tid);
console.log(`stored: ${order?.status}, total ${order?.totals.total.amount} fen, placed at ${order?.placedAt}`);

const bad = { ...trade, tid: '3862104598800002', payment: '274.999' };
const later = await ingest([{ channel: 'tmall', payload: { ...trade, status: 'TRADE_CLOSED' } }, { channel: 'tmall', payload: bad }], context);
for (const item of later.items) console.log(`#${item.index} ${item.outcome}`, item.events ?? item.reason ?? '');

const quarantineId = later.items[1]?.quarantineId as string;
const replayed = await replayQuarantined(quarantineId, context, { payload: { ...bad, payment: '275.00' } });
console.log('replayed:', replayed?.outcome, replayed?.events);
