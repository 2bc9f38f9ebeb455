// Gradual rollout: a candidate policy decides for a stable, hash-chosen share of orders.
import { expectKnownKeys, expectString, ValidationError } from '../errors/validation-error.js';
import { CompiledPolicy, type ApprovalDecision } from './compiled-policy.js';
import type { Facts } from './condition-compiler.js';
import { evaluate, type EvaluateOptions } from './evaluate.js';

/** Number of buckets order ids are hashed into; a share is resolved to 1/10000. */
export const ROLLOUT_BUCKETS = 10_000;

/** Which policy decided under a rollout. */
export const ROLLOUT_ARMS = ['stable', 'candidate'] as const;
/** See {@link ROLLOUT_ARMS}. */
export type RolloutArm = (typeof ROLLOUT_ARMS)[number];

/**
 * FNV-1a (32-bit) of the UTF-8 bytes of `text`: the same number in every process, platform and
 * language, unlike a hash of UTF-16 code units or a seeded runtime hash.
 * @example fnv1a32('a') // 0xe40c292c
 */
export function fnv1a32(text: string): number {
  expectString('fnv1a32 text', text);
  let hash = 0x811c9dc5;
  const feed = (byte: number): void => {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  };
  for (let i = 0; i < text.length; i++) {
    let code = text.codePointAt(i) as number;
    if (code > 0xffff) i++;
    else if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd; // a lone surrogate encodes as U+FFFD, as TextEncoder does
    if (code < 0x80) feed(code);
    else if (code < 0x800) {
      feed(0xc0 | (code >> 6));
      feed(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      feed(0xe0 | (code >> 12));
      feed(0x80 | ((code >> 6) & 0x3f));
      feed(0x80 | (code & 0x3f));
    } else {
      feed(0xf0 | (code >> 18));
      feed(0x80 | ((code >> 12) & 0x3f));
      feed(0x80 | ((code >> 6) & 0x3f));
      feed(0x80 | (code & 0x3f));
    }
  }
  return hash;
}

/** The bucket (0-9999) of an order id; a salt gives another, independent assignment. */
export function rolloutBucket(orderId: string, salt = ''): number {
  expectString('rolloutBucket orderId', orderId);
  expectString('rolloutBucket salt', salt);
  return fnv1a32(salt === '' ? orderId : `${salt}:${orderId}`) % ROLLOUT_BUCKETS;
}

/** Config of {@link createRollout}. */
export interface RolloutConfig {
  /** The policy in force. */
  readonly stable: CompiledPolicy;
  /** The new version being rolled out. */
  readonly candidate: CompiledPolicy;
  /**
   * The share of orders the candidate decides, 0-1 (resolved to 1/10000).
   * @example 0.01 for 1%
   */
  readonly share: number;
  /**
   * Mixed into the hash so two rollouts at the same share pick different orders.
   * @default ''
   */
  readonly salt?: string;
}

/** A decision made under a rollout. */
export interface RolloutDecision extends ApprovalDecision {
  /** Which policy decided and the order's bucket. `policyVersion` names the version too. */
  readonly rollout: { readonly arm: RolloutArm; readonly bucket: number };
}

/** A configured rollout. */
export interface Rollout {
  readonly stable: CompiledPolicy;
  readonly candidate: CompiledPolicy;
  readonly share: number;
  /** Which policy decides for this order id; always the same for the same id. */
  arm(orderId: string): RolloutArm;
  /** Decides with the policy this order id is assigned to. */
  decide(facts: Facts, orderId: string, options?: EvaluateOptions): RolloutDecision;
}

/**
 * Rolls a candidate policy out to a share of orders, chosen by a stable hash of the order id:
 * the same order always gets the same policy, in every process.
 * @example
 * const rollout = createRollout({ stable: v1, candidate: v2, share: 0.1 });
 * rollout.decide(facts, order.id).rollout.arm; // 'stable' for ~90% of ids
 * @throws ValidationError `VALIDATION_FAILED` for a share outside 0-1 or policies not compiled.
 */
export function createRollout(config: RolloutConfig): Rollout {
  expectKnownKeys('createRollout config', config, ['stable', 'candidate', 'share', 'salt']);
  const issues = [];
  if (!(config?.stable instanceof CompiledPolicy)) issues.push({ code: 'invalid_type', path: ['stable'], message: 'Expected a policy from compilePolicy' });
  if (!(config?.candidate instanceof CompiledPolicy)) issues.push({ code: 'invalid_type', path: ['candidate'], message: 'Expected a policy from compilePolicy' });
  if (typeof config?.share !== 'number' || !(config.share >= 0 && config.share <= 1)) {
    issues.push({ code: 'invalid_value', path: ['share'], message: 'Expected a share between 0 and 1, e.g. 0.1 for 10%' });
  }
  if (config?.salt !== undefined && typeof config.salt !== 'string') issues.push({ code: 'invalid_type', path: ['salt'], message: 'Expected a string' });
  if (issues.length > 0) throw new ValidationError('rollout config', issues);

  const { stable, candidate, share } = config;
  const salt = config.salt ?? '';
  const threshold = Math.round(share * ROLLOUT_BUCKETS);
  const arm = (orderId: string): RolloutArm => (rolloutBucket(orderId, salt) < threshold ? 'candidate' : 'stable');
  return Object.freeze({
    stable,
    candidate,
    share,
    arm,
    decide(facts: Facts, orderId: string, options?: EvaluateOptions): RolloutDecision {
      const bucket = rolloutBucket(orderId, salt);
      const chosen: RolloutArm = bucket < threshold ? 'candidate' : 'stable';
      const decision = evaluate(chosen === 'candidate' ? candidate : stable, facts, options);
      return { ...decision, rollout: { arm: chosen, bucket } };
    },
  });
}
