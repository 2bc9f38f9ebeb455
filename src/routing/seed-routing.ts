// The seed case as data: five Chinese warehouses, East China from Hangzhou first, fresh goods only from Hangzhou, a 16:00 cut-off.
import type { RoutingNetworkInput, RoutingPolicyInput, WarehouseInput } from './routing-schema.js';

const CALENDAR = {
  // Warehouses ship Monday to Saturday; National Day and New Year are off.
  workingHours: {
    mon: [['08:00', '20:00']],
    tue: [['08:00', '20:00']],
    wed: [['08:00', '20:00']],
    thu: [['08:00', '20:00']],
    fri: [['08:00', '20:00']],
    sat: [['08:00', '20:00']],
  },
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07', '2027-01-01', '2027-01-02', '2027-01-03'],
};

/** Express tariff: cheap inside the warehouse's own macro regions, dearer elsewhere; CNY fen. */
function tariff(home: string[]): WarehouseInput['shipping'] {
  return [
    {
      carrier: 'sf-express',
      zones: [
        { regions: home, bands: [{ maxGrams: 1000, amount: 1200 }, { maxGrams: 3000, amount: 1800 }, { maxGrams: 10000, amount: 3000 }, { maxGrams: null, amount: 6000 }] },
        { regions: ['CN'], bands: [{ maxGrams: 1000, amount: 2300 }, { maxGrams: 3000, amount: 3500 }, { maxGrams: 10000, amount: 6000 }, { maxGrams: null, amount: 12000 }] },
      ],
    },
    {
      carrier: 'yto',
      zones: [
        { regions: home, bands: [{ maxGrams: 1000, amount: 600 }, { maxGrams: 3000, amount: 1000 }, { maxGrams: 10000, amount: 2200 }] },
        { regions: ['CN'], bands: [{ maxGrams: 1000, amount: 1000 }, { maxGrams: 3000, amount: 1600 }, { maxGrams: 10000, amount: 3800 }] },
      ],
    },
  ];
}

function warehouse(id: string, name: string, lat: number, lng: number, serves: string[], rank: number, extra: Partial<WarehouseInput> = {}): WarehouseInput {
  return {
    id,
    name,
    zone: 'Asia/Shanghai',
    location: { lat, lng },
    serves,
    categories: { deny: ['fresh'] },
    capacity: { orders: 5000 },
    cutoff: '16:00',
    calendar: CALENDAR,
    defaultSafetyStock: 2,
    rank,
    shipping: tariff(serves),
    ...extra,
  };
}

/**
 * The seed network: Hangzhou, Beijing, Guangzhou, Chengdu and Wuhan, each with the macro
 * regions it serves, a 16:00 Asia/Shanghai cut-off, a Monday-Saturday calendar with National
 * Day and New Year off, a safety stock of 2 per SKU and an express tariff. Only Hangzhou has a
 * cold chain and may ship `fresh`.
 */
export const SEED_ROUTING_NETWORK: RoutingNetworkInput = Object.freeze({
  currency: 'CNY',
  categories: ['apparel', 'electronics', 'home', 'fresh'],
  defaultWeightGrams: 500,
  warehouses: [
    warehouse('HZ', 'Hangzhou', 30.27, 120.15, ['华东'], 10, { categories: { deny: [] } }),
    warehouse('BJ', 'Beijing', 39.9, 116.4, ['华北', '东北'], 20),
    warehouse('GZ', 'Guangzhou', 23.13, 113.26, ['华南'], 20),
    warehouse('CD', 'Chengdu', 30.57, 104.07, ['西南', '西北'], 30),
    warehouse('WH', 'Wuhan', 30.59, 114.31, ['华中', '华东'], 30),
  ],
}) as RoutingNetworkInput;

/**
 * The seed policy: fresh goods only from Hangzhou (held when it has none); East China from
 * Hangzhou first, then Wuhan, split in two at most; everything else from the warehouse
 * preferred for its region that ships by the next working day, nearest next, split in three at
 * most at the lowest cost, and backordered when stock is short everywhere.
 */
export const SEED_ROUTING_POLICY: RoutingPolicyInput = Object.freeze({
  id: 'seed-routing',
  version: '2026.11-1',
  description: 'East China ships from Hangzhou first; fresh only from Hangzhou.',
  rules: [
    {
      id: 'fresh-from-hangzhou',
      description: 'Only Hangzhou has a cold chain.',
      when: { categories: ['fresh'] },
      warehouses: { include: ['HZ'] },
      fallback: { type: 'hold', reason: 'FRESH_NOT_IN_STOCK' },
    },
    {
      id: 'east-china',
      description: '华东 orders from Hangzhou first, Wuhan second.',
      when: { regions: ['华东'] },
      filters: [{ type: 'serves-region' }],
      rankers: [{ type: 'region-preference', preferences: [{ regions: ['华东'], warehouses: ['HZ', 'WH'] }] }],
      split: { allowed: true, maxShipments: 2, objective: 'rank' },
      fallback: { type: 'next-rule' },
    },
    {
      id: 'nationwide',
      description: 'The region\'s own warehouse when it ships by the next working day, else the nearest; split at the lowest cost.',
      filters: [{ type: 'ships-within', workingDays: 1 }],
      rankers: [
        {
          type: 'region-preference',
          preferences: [
            { regions: ['华北', '东北'], warehouses: ['BJ'] },
            { regions: ['华南'], warehouses: ['GZ'] },
            { regions: ['西南', '西北'], warehouses: ['CD'] },
            { regions: ['华中'], warehouses: ['WH'] },
            { regions: ['华东'], warehouses: ['HZ', 'WH'] },
          ],
        },
        { type: 'distance', bandKm: 100 },
        { type: 'cost' },
      ],
      split: { allowed: true, maxShipments: 3, objective: 'cost' },
      fallback: { type: 'backorder' },
    },
  ],
}) as RoutingPolicyInput;
