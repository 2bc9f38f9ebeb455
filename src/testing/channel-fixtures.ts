// Marketplace payloads for every built-in channel, shipped so an integration can test its own
// pipeline (ingest, quarantine, replay) against the same shapes Ordo's own tests use.
import douyin from './fixtures/douyin.json' with { type: 'json' };
import jd from './fixtures/jd.json' with { type: 'json' };
import pinduoduo from './fixtures/pinduoduo.json' with { type: 'json' };
import pos from './fixtures/pos.json' with { type: 'json' };
import tmall from './fixtures/tmall.json' with { type: 'json' };
import wechatMini from './fixtures/wechat-mini.json' with { type: 'json' };
import { ValidationError } from '../errors/validation-error.js';

/** The built-in channels that have fixtures. */
export const FIXTURE_CHANNELS = ['tmall', 'jd', 'douyin', 'pinduoduo', 'wechat-mini', 'pos'] as const;
/** A built-in channel with fixtures. */
export type FixtureChannel = (typeof FIXTURE_CHANNELS)[number];

const FILES: Readonly<Record<FixtureChannel, Readonly<Record<string, unknown>>>> = {
  tmall,
  jd,
  douyin,
  pinduoduo,
  'wechat-mini': wechatMini,
  pos,
};

/**
 * Every named payload of one channel (`paid`, `closed`, `unknownStatus`, ...), as fresh copies
 * a test may change. The personal data in them is invented.
 * @example ingest([{ channel: 'tmall', payload: channelFixtures('tmall').paid }], context)
 */
export function channelFixtures(channel: FixtureChannel): Record<string, Record<string, unknown>> {
  const file = Object.hasOwn(FILES, channel) ? FILES[channel] : undefined;
  if (file === undefined) {
    throw new ValidationError('fixture channel', [{ code: 'invalid_value', path: [], message: `Expected one of ${FIXTURE_CHANNELS.join(', ')}` }]);
  }
  return structuredClone(file) as Record<string, Record<string, unknown>>;
}

/**
 * One named payload of a channel, a fresh copy.
 * @example channelFixture('jd', 'paid')
 */
export function channelFixture(channel: FixtureChannel, name = 'paid'): Record<string, unknown> {
  const payload = channelFixtures(channel)[name];
  if (payload === undefined) {
    throw new ValidationError('fixture name', [{ code: 'invalid_value', path: [], message: `Channel ${channel} has no fixture by that name; see channelFixtures(channel)` }]);
  }
  return payload;
}
