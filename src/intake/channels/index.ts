// The built-in channel adapters: Tmall/Taobao, JD, Douyin, Pinduoduo, WeChat mini-program and POS exports.
import { douyinChannel } from './douyin.js';
import { jdChannel } from './jd.js';
import { pinduoduoChannel } from './pinduoduo.js';
import { posChannel } from './pos.js';
import { tmallChannel } from './tmall.js';
import { wechatMiniChannel } from './wechat-mini.js';

export { BUILT_IN_CHANNEL_IDS, type BuiltInChannelId } from '../channel-ids.js';
export { douyinChannel, jdChannel, pinduoduoChannel, posChannel, tmallChannel, wechatMiniChannel };

/** Every built-in channel, ready for `ingest(payloads, { channels: BUILT_IN_CHANNELS, ... })`. */
export const BUILT_IN_CHANNELS = Object.freeze([tmallChannel, jdChannel, douyinChannel, pinduoduoChannel, wechatMiniChannel, posChannel] as const);
