// The live board's page: one self-contained HTML document (no network but its own snapshot feed)
// that renders each snapshot with textContent (order ids and statuses come from channels: never
// markup), reflows from a phone's width to a laptop's, and keeps contrast and labels accessible.

/** Escapes text for an HTML attribute or text node. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #d0d0d0; --panel: #ffffff; --page: #f3f4f6; --ok: #0b6e2e; --warn: #8a4b00; --bad: #a4161a; --bar: #1f5fa8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", sans-serif; color: var(--ink); background: var(--page); }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; padding: .75rem 1rem; background: var(--panel); border-bottom: 1px solid var(--line); }
h1 { font-size: 1.2rem; margin: 0; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
main { display: grid; gap: 1rem; padding: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; min-width: 0; }
section.wide { grid-column: 1 / -1; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); font-size: .85rem; padding-bottom: .25rem; }
th, td { text-align: left; padding: .3rem .4rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { white-space: nowrap; overflow-wrap: normal; }
.axis { display: flex; justify-content: space-between; color: var(--muted); font-size: .8rem; }
td.n, th.n { text-align: right; }
.badge { display: inline-block; padding: .15rem .55rem; border-radius: 999px; font-weight: 600; font-size: .85rem; border: 2px solid currentColor; }
.ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); }
.muted { color: var(--muted); font-size: .85rem; }
.scroll { overflow-x: auto; }
svg rect.bar { fill: var(--bar); }
:focus-visible { outline: 3px solid #1f5fa8; outline-offset: 2px; }
@media (max-width: 30rem) { body { font-size: 14px; } main { padding: .5rem; gap: .5rem; } section { padding: .5rem .6rem; } }
`;

const SCRIPT = `
(() => {
  const base = document.body.dataset.base;
  const $ = (id) => document.getElementById(id);
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); if (cls) e.className = cls; return e; };
  const duration = (ms) => {
    if (ms === undefined || ms === null || Number.isNaN(ms)) return '–';
    const m = Math.round(ms / 60000);
    if (m < 60) return m + ' min';
    const h = Math.floor(m / 60);
    return h < 48 ? h + ' h ' + (m % 60) + ' min' : Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
  };
  const fill = (tbody, rows, empty, columns) => {
    tbody.replaceChildren();
    if (rows.length === 0) { const tr = el('tr'); const td = el('td', empty, 'muted'); td.colSpan = columns; tr.append(td); tbody.append(tr); return; }
    for (const cells of rows) { const tr = el('tr'); for (const [text, cls] of cells) tr.append(el('td', text, cls)); tbody.append(tr); }
  };
  const chart = (svg, buckets) => {
    svg.replaceChildren();
    const totals = buckets.map((b) => Object.values(b.entered).reduce((a, n) => a + n, 0));
    const max = Math.max(1, ...totals);
    const w = 600, h = 160, bw = w / Math.max(1, buckets.length);
    const ns = 'http://www.w3.org/2000/svg';
    totals.forEach((total, i) => {
      const r = document.createElementNS(ns, 'rect');
      const bh = Math.round((h * total) / max);
      r.setAttribute('x', String(i * bw + 1)); r.setAttribute('y', String(h - bh)); r.setAttribute('width', String(Math.max(1, bw - 2))); r.setAttribute('height', String(bh)); r.setAttribute('class', 'bar');
      const t = document.createElementNS(ns, 'title'); t.textContent = buckets[i].start + ': ' + total; r.append(t);
      svg.append(r);
    });
    $('axis-start').textContent = buckets.length > 0 ? buckets[0].start.slice(5, 16).replace('T', ' ') + 'Z' : '';
    $('axis-max').textContent = 'peak ' + max + ' per interval';
    svg.setAttribute('aria-label', 'Transitions per interval over the window: ' + totals.join(', '));
  };
  const render = (s) => {
    $('at').textContent = s.at;
    const ks = $('kill-switch');
    if (s.killSwitch === null) { ks.textContent = 'no job runner'; ks.className = 'badge muted'; }
    else if (s.killSwitch.engaged) { ks.textContent = 'Kill switch ENGAGED' + (s.killSwitch.by ? ' by ' + s.killSwitch.by : ''); ks.className = 'badge bad'; }
    else { ks.textContent = 'Automation running'; ks.className = 'badge ok'; }
    const statuses = Object.entries(s.metrics.ordersPerStatus).sort((a, b) => b[1] - a[1]);
    fill($('statuses'), statuses.map(([status, n]) => [[status], [n.toLocaleString('en-US'), 'n']]), 'No orders', 2);
    $('total').textContent = statuses.reduce((a, [, n]) => a + n, 0).toLocaleString('en-US');
    const overdueTotal = Object.values(s.metrics.overdueBySla).reduce((a, n) => a + n, 0);
    $('overdue-total').textContent = overdueTotal.toLocaleString('en-US');
    $('overdue-total').className = overdueTotal > 0 ? 'bad' : 'ok';
    fill($('overdue'), s.metrics.overdue.map((o) => [[o.orderId], [o.sla], [o.status], [duration(o.overdueMs), 'n']]), 'Nothing overdue', 4);
    fill($('stages'), s.metrics.stages.map((st) => [[st.sla], [st.count, 'n'], [duration(st.p50), 'n'], [duration(st.p95), 'n'], [duration(st.p99), 'n'], [st.late, st.late > 0 ? 'n warn' : 'n']]), 'No SLAs configured', 6);
    chart($('throughput'), s.metrics.throughput || []);
    fill($('jobs'), s.jobs.map((j) => [[j.id], [j.breaker === 'tripped' ? 'stopped (blast radius)' : 'ok', j.breaker === 'tripped' ? 'bad' : 'ok'], [j.plan === 'confirmed' || !j.plan ? (j.canary || '–') : j.plan === 'awaiting_confirmation' ? 'dry run: plan to confirm' : j.plan === 'misconfigured' ? 'refused: deadline disagrees with its record' : 'dry run first']]), 'No jobs', 3);
    fill($('dead'), s.deadLetters.map((d) => [[d.queue], [d.key], [d.attempts, 'n'], [d.lastError || '']]), 'No dead letters', 4);
    fill($('alerts'), s.alerts.map((a) => [[a.at.slice(0, 16).replace('T', ' ') + 'Z'], [a.severity, a.severity === 'critical' ? 'bad' : a.severity === 'warning' ? 'warn' : ''], [a.message]]), 'No alerts', 3);
    $('status-line').textContent = 'Updated ' + s.at;
  };
  let polling;
  const poll = async () => { try { const r = await fetch(base + '/snapshot.json', { cache: 'no-store' }); if (r.ok) render(await r.json()); } catch { $('status-line').textContent = 'Connection lost; retrying'; } };
  const startPolling = () => { if (!polling) { polling = setInterval(poll, Number(document.body.dataset.interval)); poll(); } };
  if ('EventSource' in window) {
    const source = new EventSource(base + '/events');
    source.addEventListener('snapshot', (event) => render(JSON.parse(event.data)));
    source.onerror = () => { if (source.readyState === EventSource.CLOSED) startPolling(); };
  } else startPolling();
  poll();
})();
`;

/** The board's HTML, with its style and script inline. */
export function opsBoardPage(options: { readonly title: string; readonly basePath: string; readonly intervalMs: number }): string {
  const title = escapeHtml(options.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body data-base="${escapeHtml(options.basePath)}" data-interval="${options.intervalMs}">
<header>
  <h1>${title}</h1>
  <p role="status" aria-live="polite"><span id="kill-switch" class="badge muted">loading</span></p>
  <p class="muted">Snapshot at <time id="at">–</time></p>
</header>
<main>
  <section aria-labelledby="h-status">
    <h2 id="h-status">Orders per status (<span id="total">0</span>)</h2>
    <table><caption>Every stored order by its current status</caption><thead><tr><th scope="col">Status</th><th scope="col" class="n">Orders</th></tr></thead><tbody id="statuses"></tbody></table>
  </section>
  <section aria-labelledby="h-overdue">
    <h2 id="h-overdue">Overdue: <span id="overdue-total">0</span></h2>
    <div class="scroll"><table><caption>Waiting longest first (order ids only)</caption><thead><tr><th scope="col">Order</th><th scope="col">SLA</th><th scope="col">Status</th><th scope="col" class="n">Late by</th></tr></thead><tbody id="overdue"></tbody></table></div>
  </section>
  <section aria-labelledby="h-stages" class="wide">
    <h2 id="h-stages">Time per stage</h2>
    <div class="scroll"><table><caption>Stages that ended in the window (working time for calendar SLAs)</caption><thead><tr><th scope="col">SLA</th><th scope="col" class="n">Count</th><th scope="col" class="n">p50</th><th scope="col" class="n">p95</th><th scope="col" class="n">p99</th><th scope="col" class="n">Late</th></tr></thead><tbody id="stages"></tbody></table></div>
  </section>
  <section aria-labelledby="h-throughput" class="wide">
    <h2 id="h-throughput">Throughput</h2>
    <svg id="throughput" role="img" aria-label="Transitions per interval" viewBox="0 0 600 160" width="100%" height="160" preserveAspectRatio="none"></svg>
    <div class="axis" aria-hidden="true"><span id="axis-start"></span><span id="axis-max"></span><span>now</span></div>
  </section>
  <section aria-labelledby="h-jobs">
    <h2 id="h-jobs">Jobs</h2>
    <table><caption>Guarded jobs, their breaker and canary</caption><thead><tr><th scope="col">Job</th><th scope="col">State</th><th scope="col">Canary</th></tr></thead><tbody id="jobs"></tbody></table>
  </section>
  <section aria-labelledby="h-alerts">
    <h2 id="h-alerts">Alerts</h2>
    <table><caption>Sync alerts and stopped jobs, newest first</caption><thead><tr><th scope="col">When</th><th scope="col">Severity</th><th scope="col">What</th></tr></thead><tbody id="alerts"></tbody></table>
  </section>
  <section aria-labelledby="h-dead" class="wide">
    <h2 id="h-dead">Dead letters</h2>
    <div class="scroll"><table><caption>Work that ran out of retries, newest first</caption><thead><tr><th scope="col">Queue</th><th scope="col">Key</th><th scope="col" class="n">Attempts</th><th scope="col">Last error</th></tr></thead><tbody id="dead"></tbody></table></div>
  </section>
</main>
<p id="status-line" class="muted" role="status" aria-live="polite" style="padding: 0 1rem 1rem">Connecting…</p>
<script>${SCRIPT}</script>
</body>
</html>`;
}
