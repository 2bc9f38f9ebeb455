// The live board over plain node:http: the page, its snapshot as JSON, and a server-sent events
// stream that pushes a snapshot every interval. One snapshot is shared by every open page.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { option, parseOptions } from '../../errors/options.js';
import type { OpsSnapshot, OpsSnapshotSource } from '../../ports/ops-board-port.js';
import { opsBoardPage } from './ops-board-page.js';

/** Options of {@link createOpsBoardHandler}. */
export interface OpsBoardHandlerOptions {
  readonly source: OpsSnapshotSource;
  /** Where the board is mounted, e.g. `/ops`. @default '' */
  readonly basePath?: string;
  /** How often open pages get a new snapshot. @default 5000 */
  readonly intervalMs?: number;
  /** @default 'Ordo operations' */
  readonly title?: string;
  /**
   * Decides whether a request may see the board (your session or token check); refused requests
   * get 403. The board shows no personal data, but order ids and volumes are business data.
   * @default every request may
   */
  readonly authorize?: (request: IncomingMessage) => boolean | Promise<boolean>;
  /** Told about a snapshot that failed (storage down); pages keep their last one. */
  readonly onError?: (error: unknown) => void;
}

/** A request handler with the `(req, res, next?)` shape of node:http, Express and Koa's `callback`. */
export interface OpsBoardHandler {
  (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void): void;
  /** Ends every open event stream and stops the timer. */
  close(): void;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

const optionsSchema = z.strictObject({
  source: option.withMethods<OpsSnapshotSource>('a snapshot source (createOpsSnapshotSource)', 'snapshot'),
  basePath: z.string().regex(/^(\/[A-Za-z0-9._~-]+)*\/?$/, 'Expected a path such as /ops').default(''),
  intervalMs: option.positiveInt().min(100).default(5000),
  title: z.string().max(200).default('Ordo operations'),
  authorize: option.fn<NonNullable<OpsBoardHandlerOptions['authorize']>>().optional(),
  onError: option.fn<NonNullable<OpsBoardHandlerOptions['onError']>>().optional(),
});

/**
 * Creates the board's request handler over a snapshot source.
 * @throws ValidationError `INVALID_OPTIONS`.
 */
export function createOpsBoardHandler(options: OpsBoardHandlerOptions): OpsBoardHandler {
  const parsed = parseOptions('createOpsBoardHandler options', optionsSchema, options);
  options = parsed as OpsBoardHandlerOptions;
  const basePath = parsed.basePath.replace(/\/+$/, '');
  const intervalMs = parsed.intervalMs;
  const page = opsBoardPage({ title: parsed.title, basePath, intervalMs });
  const streams = new Set<ServerResponse>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let shared: Promise<OpsSnapshot> | undefined;

  /** One snapshot per half interval, however many pages ask. */
  const snapshot = (): Promise<OpsSnapshot> => {
    if (shared === undefined) {
      shared = options.source.snapshot();
      const expire = (): void => void setTimeout(() => (shared = undefined), Math.max(1, Math.floor(intervalMs / 2))).unref?.();
      shared.then(expire, () => (shared = undefined));
    }
    return shared;
  };

  const push = async (targets: Iterable<ServerResponse>): Promise<void> => {
    try {
      const data = JSON.stringify(await snapshot());
      for (const stream of targets) stream.write(`event: snapshot\ndata: ${data}\n\n`);
    } catch (error) {
      options.onError?.(error);
      for (const stream of targets) stream.write(': snapshot failed; retrying\n\n');
    }
  };

  const stopIfIdle = (): void => {
    if (streams.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  const route = async (request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void): Promise<void> => {
    // Express strips its mount path from `url` and keeps the whole one in `originalUrl`.
    const path = ((request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url ?? '/').split('?')[0] as string;
    const sub = path.startsWith(basePath) ? path.slice(basePath.length) : undefined;
    const known = sub === '' || sub === '/' || sub === '/snapshot.json' || sub === '/events';
    if (!known) {
      if (next !== undefined) return next();
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('Not found');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('Method not allowed');
      return;
    }
    if (options.authorize !== undefined && !(await options.authorize(request))) {
      response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('Forbidden');
      return;
    }
    if (sub === '/snapshot.json') {
      try {
        const body = JSON.stringify(await snapshot());
        response.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', ...SECURITY_HEADERS }).end(request.method === 'HEAD' ? undefined : body);
      } catch (error) {
        options.onError?.(error);
        response.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': String(Math.ceil(intervalMs / 1000)), ...SECURITY_HEADERS }).end(JSON.stringify({ error: 'snapshot unavailable' }));
      }
      return;
    }
    if (sub === '/events') {
      response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no', ...SECURITY_HEADERS });
      response.write(`retry: ${intervalMs}\n\n`);
      streams.add(response);
      request.on('close', () => {
        streams.delete(response);
        stopIfIdle();
      });
      if (timer === undefined) timer = setInterval(() => void push(streams), intervalMs);
      await push([response]);
      return;
    }
    response
      .writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        // Nothing leaves the page but its own feed: no fonts, scripts or images from elsewhere.
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
        ...SECURITY_HEADERS,
      })
      .end(request.method === 'HEAD' ? undefined : page);
  };

  const handler = ((request: IncomingMessage, response: ServerResponse, next?: (error?: unknown) => void): void => {
    route(request, response, next).catch((error: unknown) => {
      options.onError?.(error);
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }).end('Internal error');
      else response.end();
    });
  }) as OpsBoardHandler;
  handler.close = () => {
    for (const stream of streams) stream.end();
    streams.clear();
    stopIfIdle();
  };
  return handler;
}
