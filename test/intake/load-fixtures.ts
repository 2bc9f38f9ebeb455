// Test helper: the channel fixtures that ship with ordo/testing.
import { channelFixture, channelFixtures, type FixtureChannel } from '../../src/testing/index.js';

/** The named payloads of one channel's fixture file, fresh copies on every call. */
export function fixtures(channel: string): Record<string, Record<string, unknown>> {
  return channelFixtures(channel as FixtureChannel);
}

/** One named payload of a channel. */
export function fixture(channel: string, name = 'paid'): Record<string, unknown> {
  return channelFixture(channel as FixtureChannel, name);
}
