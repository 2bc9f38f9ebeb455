// The ids of the built-in channels, apart from their schemas, so a policy can be checked against them without loading intake.

/** The id of every built-in channel, as orders carry it in `order.channel`. */
export const BUILT_IN_CHANNEL_IDS = Object.freeze(['tmall', 'jd', 'douyin', 'pinduoduo', 'wechat-mini', 'pos'] as const);

/** The id of a built-in channel. */
export type BuiltInChannelId = (typeof BUILT_IN_CHANNEL_IDS)[number];
