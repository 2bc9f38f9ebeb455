// The intake module's face: channel adapters, the built-in channels, ingest and quarantine replay.
export { defineChannel } from './channel.js';
export type { Channel, ChannelConfig, ChannelMapContext, ChannelOrder, IntakeChannel, ChannelNormalised } from './channel.js';
export { INTAKE_ISSUE_CODES } from './channel-schema-kit.js';
export type { ChannelSchemaKit, IntakeIssueCode } from './channel-schema-kit.js';
export { STATUS_NOTE_CODES, planStatusEvents } from './status-plan.js';
export type { ChannelDrivenEvent, StatusNote, StatusNoteCode, StatusPlan } from './status-plan.js';
export { PAYLOAD_LIMITS, PAYLOAD_TEXT_KEY } from './intake-json.js';
export type { PayloadLimits } from './intake-json.js';
export {
  BUILT_IN_CHANNELS,
  BUILT_IN_CHANNEL_IDS,
  douyinChannel,
  jdChannel,
  pinduoduoChannel,
  posChannel,
  tmallChannel,
  wechatMiniChannel,
} from './channels/index.js';
export type { BuiltInChannelId } from './channels/index.js';
