// The live ops board: its HTTP routes (page, snapshot, server-sent events, authorisation, 404 and
// next()), and the page itself in headless Chromium against a running hub: the counts change as
// the clock moves and orders flow, text from channels is never markup, and the console stays clean.
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../../src/adapters/memory.js';
import { createOpsBoard, type OpsSnapshot } from '../../../src/adapters/ops-board.js';
import { createJobRunner } from '../../../src/app/index.js';
import { createManualClock, instant } from '../../../src/clock/index.js';
import { createOrderHub } from '../../../src/hub/index.js';
import { autoCancelUnpaidJob, compileSlas } from '../../../src/ops/index.js';

// Set (as .ci/run does), the browser test must run; unset, it runs when Debian's chromium is installed.
const CHROMIUM = process.env['ORDO_TEST_CHROMIUM'] ?? '/usr/bin/chromium';
const SKIP_BROWSER = process.env['ORDO_TEST_CHROMIUM'] === undefined && !existsSync(CHROMIUM);
const T0 = instant('2026-11-30T08:00:00.000Z');
const slas = compileSlas([
  { id: 'pay-within-30-min', from: 'pending_payment', to: ['paid', 'cancelled'], within: { minutes: 30 } },
  { id: 'paid-to-shipped', from: 'paid', to: ['shipped'], within: { hours: 24 } },
]);

function setup(overrides: { authorize?: () => boolean; intervalMs?: number } = {}) {
  const clock = createManualClock(T0);
  const hub = createOrderHub({ clock, storage: createMemoryStorage() });
  const job = autoCancelUnpaidJob({ after: { hours: 2 }, limits: { maxShare: 1 } });
  const runner = createJobRunner({ storage: hub.storage, clock, machine: hub.machine, owner: 'board-test', jobs: [job] });
  const board = createOpsBoard({ storage: hub.storage, clock, slas, runner, basePath: '/ops', intervalMs: overrides.intervalMs ?? 200, ...(overrides.authorize === undefined ? {} : { authorize: overrides.authorize }) });
  return { clock, hub, runner, board, job };
}

async function place(hub: ReturnType<typeof setup>['hub'], n: number, prefix: string, status = 'pending_payment'): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    const { order } = await hub.createOrder({ channel: 'shop', channelOrderId: `${prefix}-${i}`, customerRef: `buyer-${i}`, currency: 'CNY', lines: [{ sku: 'TEA', quantity: 1, unitPrice: { amount: 990, currency: 'CNY' } }] });
    if (status === 'paid') await hub.apply(order.id, { id: `pay-${order.id}`, type: 'pay' });
  }
}

async function listen(handler: (req: never, res: never) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => handler(req as never, res as never));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

describe('ops board over HTTP', () => {
  it('serves a self-contained page, the snapshot as JSON, and 404 or next() for anything else', async () => {
    const { hub, board } = setup();
    await place(hub, 3, 'h');
    const { server, url } = await listen(board);
    closers.push(() => new Promise((resolve) => server.close(() => resolve())), () => board.close());
    const page = await fetch(`${url}/ops`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    // Nothing to fetch: the only link is the empty inline icon (which spares the favicon request).
    expect(html.match(/\s(src|href)="[^"]*"/g)).toEqual([' href="data:,"']);
    const snapshot = (await (await fetch(`${url}/ops/snapshot.json`)).json()) as OpsSnapshot;
    expect(snapshot.metrics.ordersPerStatus).toEqual({ pending_payment: 3 });
    expect(snapshot.killSwitch).toEqual({ engaged: false });
    // A cancelling job is guarded: it has not run dry yet, and its canary waits.
    expect(snapshot.jobs).toEqual([{ id: 'auto-cancel-unpaid', description: expect.stringContaining('pending_payment'), breaker: 'ok', canary: 'waiting', plan: 'needs_dry_run' }]);
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${url}/ops/snapshot.json`, { method: 'POST' })).status).toBe(405);
    let passedOn = false;
    const withNext = await listen(((req: never, res: { end(): void; statusCode: number }) => board(req, res as never, () => { passedOn = true; res.statusCode = 204; res.end(); })) as never);
    closers.push(() => new Promise((resolve) => withNext.server.close(() => resolve())));
    expect((await fetch(`${withNext.url}/other`)).status).toBe(204);
    expect(passedOn).toBe(true);
  });

  it('refuses requests its authorize hook refuses', async () => {
    const { board } = setup({ authorize: () => false });
    const { server, url } = await listen(board);
    closers.push(() => new Promise((resolve) => server.close(() => resolve())), () => board.close());
    expect((await fetch(`${url}/ops/snapshot.json`)).status).toBe(403);
  });

  it('streams a snapshot on connect and on every interval as server-sent events', async () => {
    const { hub, board, clock } = setup({ intervalMs: 100 });
    await place(hub, 2, 's');
    const { server, url } = await listen(board);
    closers.push(() => new Promise((resolve) => server.close(() => resolve())), () => board.close());
    const events: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${url}/ops/events`, (res) => {
        expect(res.headers['content-type']).toContain('text/event-stream');
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (const block of buffer.split('\n\n').slice(0, -1)) if (block.startsWith('event: snapshot')) events.push(block);
          buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
          if (events.length === 1) void place(hub, 1, 'later').then(() => clock.advance({ minutes: 5 }));
          if (events.some((e) => e.includes('"pending_payment":3'))) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on('error', (error) => (error.message.includes('socket hang up') ? resolve() : reject(error)));
      req.end();
    });
    await done;
    expect(events[0]).toContain('"pending_payment":2');
  }, 30_000);
});

describe.skipIf(SKIP_BROWSER)('ops board in headless Chromium', () => {
  if (SKIP_BROWSER) console.warn(`ops board browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set ORDO_TEST_CHROMIUM)`);
  let browser: import('playwright-core').Browser | undefined;
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows live counts, overdue orders and the kill switch, updates without reloading, at laptop and phone widths', async () => {
    const { hub, board, clock, runner } = setup({ intervalMs: 200 });
    await place(hub, 4, 'b');
    await place(hub, 2, 'p', 'paid');
    // A status and an id from a channel that look like markup are shown as text.
    await hub.createOrder({ id: '<img src=x onerror=alert(1)>', channel: 'shop', channelOrderId: 'xss', customerRef: 'buyer-x', currency: 'CNY', lines: [{ sku: 'TEA', quantity: 1, unitPrice: { amount: 990, currency: 'CNY' } }] });
    const { server, url } = await listen(board);
    closers.push(() => new Promise((resolve) => server.close(() => resolve())), () => board.close());

    const page = await (browser as import('playwright-core').Browser).newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => { if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text()); });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('dialog', (dialog) => { problems.push(`dialog: ${dialog.message()}`); void dialog.dismiss(); });
    await page.goto(`${url}/ops`);
    await page.getByRole('cell', { name: 'pending_payment' }).waitFor();
    await expect.poll(() => page.locator('#total').textContent(), { timeout: 15_000 }).toBe('7');
    await expect.poll(() => page.locator('#kill-switch').textContent(), { timeout: 15_000 }).toBe('Automation running');
    expect(await page.locator('#overdue-total').textContent()).toBe('0');

    // The clock moves 40 minutes: five unpaid orders are overdue; new orders arrive; the kill switch is engaged.
    clock.advance({ minutes: 40 });
    await place(hub, 3, 'c');
    await runner.engageKillSwitch({ by: 'ops-lead', reason: 'peak' });
    await expect.poll(() => page.locator('#total').textContent(), { timeout: 15_000 }).toBe('10');
    await expect.poll(() => page.locator('#overdue-total').textContent(), { timeout: 15_000 }).toBe('5');
    await expect.poll(() => page.locator('#kill-switch').textContent(), { timeout: 15_000 }).toBe('Kill switch ENGAGED by ops-lead');
    expect(await page.locator('#overdue tr').count()).toBe(5);
    expect(await page.getByRole('cell', { name: '<img src=x onerror=alert(1)>' }).count()).toBe(1);
    expect(await page.locator('#overdue img').count()).toBe(0);
    expect(await page.locator('#throughput rect.bar').count()).toBe(24);

    // Accessible: every table has a caption, every section a heading, the chart a label.
    expect(await page.locator('table:not(:has(caption))').count()).toBe(0);
    expect(await page.locator('section:not(:has(h2))').count()).toBe(0);
    expect(await page.locator('#throughput').getAttribute('aria-label')).toMatch(/^Transitions per interval over the window: /);

    const output = fileURLToPath(new URL('../../../test-results/', import.meta.url));
    mkdirSync(output, { recursive: true });
    await page.screenshot({ path: `${output}ops-board-laptop.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // At a phone's width nothing scrolls sideways but the tables' own scrollers.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
    await page.screenshot({ path: `${output}ops-board-phone.png`, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
