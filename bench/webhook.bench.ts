// Webhooks: Standard Webhooks verifications and signatures per second, beside the standardwebhooks
// package in the same run, rounds alternating so load hits both alike.
import { Webhook } from 'standardwebhooks';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStorage } from '../src/adapters/memory.js';
import { createWebhookTransport, generateWebhookSecret, signWebhook, verifyWebhook } from '../src/adapters/webhook.js';
import { createFixedClock } from '../src/clock/index.js';

const ROUNDS = 6;
const ROUND_MS = 300;
const clock = createFixedClock('2026-11-11T00:00:00Z');
const timestamp = Math.floor(clock.millis() / 1000);
const secret = generateWebhookSecret();
// A typical order event, about 1 KB of JSON.
const body = JSON.stringify({ type: 'order.status_changed', timestamp: '2026-11-11T00:00:00.000Z', data: { orderId: 'ord_3b241101', from: 'picking', to: 'packed', lines: Array.from({ length: 8 }, (_, i) => ({ lineId: `L${i}`, sku: `SKU-${i}`, quantity: i + 1, unitPrice: { amount: 12_800, currency: 'CNY' } })) } });
const ids = Array.from({ length: 1_000 }, (_, i) => `msg_${i}`);
const signed = ids.map((id) => signWebhook({ id, timestamp, body, secrets: secret }));
const theirs = new Webhook(secret);

function measure(once: (i: number) => unknown): number {
  let done = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    for (let i = 0; i < ids.length; i += 1) once(i);
    done += ids.length;
    elapsed = performance.now() - start;
  }
  return (done / elapsed) * 1000;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Runs the webhook benchmark and prints operations per second with the ratio to the standardwebhooks package. */
export async function run(): Promise<void> {
  // The reference library reads Date.now(); the signatures it checks here are made at now.
  const nowSeconds = Math.floor(performance.timeOrigin / 1000 + performance.now() / 1000);
  const fresh = ids.map((id) => signWebhook({ id, timestamp: nowSeconds, body, secrets: secret }));
  const contenders: [string, (i: number) => unknown][] = [
    ['ordo verifyWebhook', (i) => verifyWebhook(signed[i]!, body, { secrets: secret, clock })],
    ['standardwebhooks 1.1 verify', (i) => theirs.verify(body, { ...fresh[i]! })],
    ['ordo signWebhook', (i) => signWebhook({ id: ids[i]!, timestamp, body, secrets: secret })],
    ['standardwebhooks 1.1 sign', (i) => theirs.sign(ids[i]!, new Date(timestamp * 1000), body)],
  ];
  for (const [, once] of contenders) measure(once); // warm-up
  const rates = contenders.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let k = 0; k < contenders.length; k += 1) {
      const index = (round + k) % contenders.length;
      rates[index]!.push(measure(contenders[index]![1]));
    }
  }
  console.log(`webhook: Standard Webhooks over a ${body.length}-byte body, HMAC-SHA256; ${ROUNDS} rounds of ${ROUND_MS} ms, contenders alternating`);
  for (const [index, [name]] of contenders.entries()) console.log(`  ${name.padEnd(30)} ${fmt(median(rates[index]!)).padStart(9)} per s`);
  console.log(`  verify: ordo / standardwebhooks ${(median(rates[0]!) / median(rates[1]!)).toFixed(2)}x (goal >= 1x); sign: ${(median(rates[2]!) / median(rates[3]!)).toFixed(2)}x`);
  await deliveries();
}

const DELIVERIES = 2_000;
const CONCURRENCY = 50;

/**
 * Signed deliveries per second to a local receiver (204 without reading further): Ordo's webhook
 * transport (queue on memory storage, claim, sign, POST, commit each outcome with its event)
 * beside a bare loop of standardwebhooks sign + fetch at the same concurrency, alternating.
 */
async function deliveries(): Promise<void> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  const rates: { ordo: number[]; bare: number[] } = { ordo: [], bare: [] };
  try {
    for (let round = 0; round < 4; round += 1) {
      const started = performance.now();
      if (round % 2 === 0) {
        const storage = createMemoryStorage();
        const transport = createWebhookTransport({ storage, clock, owner: 'bench', allowPrivateNetworks: true, allowHttp: true, batchSize: CONCURRENCY, endpoints: [{ id: 'local', url, secrets: secret, topics: ['#'] }] });
        for (let i = 0; i < DELIVERIES; i += 1) await transport.publish({ id: `evt_${round}_${i}`, topic: 'order.status_changed', payload: JSON.parse(body) as never });
        let done = 0;
        while (done < DELIVERIES) {
          const result = await transport.runOnce();
          if (result.succeeded + result.retried + result.deadLettered === 0) throw new Error('deliveries stalled');
          done += result.succeeded;
        }
        rates.ordo.push((DELIVERIES / (performance.now() - started)) * 1000);
      } else {
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < DELIVERIES) {
              const i = next++;
              const signature = theirs.sign(`evt_${round}_${i}`, new Date(timestamp * 1000), body);
              const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': `evt_${round}_${i}`, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature }, body });
              await response.arrayBuffer();
            }
          }),
        );
        rates.bare.push((DELIVERIES / (performance.now() - started)) * 1000);
      }
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  console.log(`  deliveries to a local receiver, ${fmt(DELIVERIES)} events, ${CONCURRENCY} at once, two alternating rounds each:`);
  console.log(`    ordo webhook transport (queued as tasks, outcome committed per delivery) ${fmt(mean(rates.ordo)).padStart(7)} deliveries/s`);
  console.log(`    standardwebhooks sign + fetch, nothing stored                          ${fmt(mean(rates.bare)).padStart(7)} deliveries/s`);
  console.log(`    ratio ${(mean(rates.ordo) / mean(rates.bare)).toFixed(2)}x`);
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
