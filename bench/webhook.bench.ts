// Webhooks: Standard Webhooks verifications and signatures per second, beside the standardwebhooks
// package in the same run, rounds alternating so load hits both alike.
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, signWebhook, verifyWebhook } from '../src/adapters/webhook.js';
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
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
