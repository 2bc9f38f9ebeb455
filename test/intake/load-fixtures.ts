// Test helper: reads a channel's fixture payloads from test/intake/fixtures/<channel>.json.
import { readFileSync } from 'node:fs';

/** The named payloads of one channel's fixture file, fresh copies on every call. */
export function fixtures(channel: string): Record<string, Record<string, unknown>> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${channel}.json`, import.meta.url), 'utf8')) as Record<string, Record<string, unknown>>;
}

/** One named payload of a channel. */
export function fixture(channel: string, name = 'paid'): Record<string, unknown> {
  const payload = fixtures(channel)[name];
  if (payload === undefined) throw new Error(`No fixture ${channel}/${name}`);
  return payload;
}
