// The configurable, explainable matcher: per-field comparison levels combined by evidence or Fellegi-Sunter.
import { expectArray, expectObject, ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { differencePattern } from './similarity.js';

/** How two records compare on one field, best pair of values first. `missing`: one side has no value. */
export const COMPARISON_LEVELS = ['exact', 'close', 'different', 'missing'] as const;
/** How two records compare on one field. */
export type ComparisonLevel = (typeof COMPARISON_LEVELS)[number];

/** How field comparisons become one score. */
export const MATCH_MODES = ['evidence', 'fellegi-sunter'] as const;
/** How field comparisons become one score; see {@link CustomerMatcherConfig.mode}. */
export type MatchMode = (typeof MATCH_MODES)[number];

/** One comparable field of a prepared record; fields are configuration, not code. */
export interface MatchField<P, V = string> {
  /** Unique field name, e.g. `phone`. */
  readonly name: string;
  /** The field's normalised values in a record (several phones, several addresses). */
  readonly values: (record: P) => readonly V[];
  /**
   * Identity of a value for equality, frequencies and blocking.
   * @default String(value)
   */
  readonly key?: (value: V) => string;
  /**
   * Similarity in [0, 1] of two unequal values; needed for the `close` level. 1 means
   * equivalent (level `exact`). Return `NaN` when the two values cannot be compared (the pair
   * then counts as missing, not as different).
   */
  readonly similarity?: (a: V, b: V) => number;
  /**
   * Similarity from which unequal values count as `close`.
   * @default 1 (no close level)
   */
  readonly closeAt?: number;
  /**
   * Masks a value for explanations. Personal data must never leave unmasked.
   * @default keeps only the length visible
   */
  readonly mask?: (value: V) => string;
  /**
   * True when two different values mean two different people (a national ID): clustering never
   * links records whose identity values differ. A predicate makes only some values identify (a
   * legacy ID without a check character may hide a typo): a pair is in conflict when both of
   * its differing values identify.
   * @default false
   */
  readonly identity?: boolean | ((value: V) => boolean);
  /**
   * Evidence mode: strength (in nats) taken away when the field is `different`, graded by
   * `1 - similarity / closeAt` so a near miss weighs less than a wholly different value.
   * @default 0
   */
  readonly disagreement?: number;
  /**
   * Emit a blocking key `name:key` per value.
   * @default false
   */
  readonly block?: boolean;
  /**
   * Discount values shared by many records (a family phone, an office address): in evidence mode
   * through `commonValueAt`, in Fellegi-Sunter mode by term frequency.
   * @default false
   */
  readonly frequencyAdjusted?: boolean;
  /**
   * The values a record counts towards this field's frequencies, when they are more than its
   * own: a payment account's real name is a name, as common as the same name typed at checkout.
   * @default the field's values
   */
  readonly frequencyValues?: (record: P) => readonly V[];
}

/**
 * Evidence mode: a rule that fires when all its fields are `exact` or `close`, with the
 * probability that two records sharing this evidence are one person.
 * @example { name: 'same phone', fields: ['phone'], probability: 0.9 }
 */
export interface EvidenceRule {
  readonly name: string;
  readonly fields: readonly string[];
  /** In (0, 1). */
  readonly probability: number;
  /**
   * Factor applied to the probability for each field that is only `close`.
   * @default 0.8
   */
  readonly closeFactor?: number;
}

/** Extra blocking keys computed from several fields (e.g. name + district). */
export interface BlockingRule<P> {
  readonly name: string;
  readonly keys: (record: P) => readonly string[];
}

/** Per field, the probability of each non-missing level among matches (m) or non-matches (u). */
export type LevelProbabilities = Readonly<Record<'exact' | 'close' | 'different', number>>;

/** Parameters of the Fellegi-Sunter mode, usually from {@link estimateFellegiSunter}. */
export interface FellegiSunterParameters {
  /** Prior probability that a candidate pair is a match (lambda). */
  readonly prior: number;
  readonly m: Readonly<Record<string, LevelProbabilities>>;
  readonly u: Readonly<Record<string, LevelProbabilities>>;
}

/** Configuration of {@link createCustomerMatcher}. */
export interface CustomerMatcherConfig<R, P> {
  /** Turns an input record into its prepared (normalised) form, once per record. */
  readonly prepare: (record: R) => P;
  /** The record's id. */
  readonly id: (record: P) => string;
  readonly fields: readonly MatchField<P, unknown>[];
  /**
   * `evidence`: noisy-or of the rules that fire. Each rule contributes a strength
   * `-ln(1 - p)` (nats); strengths add, disagreements subtract, and the score is
   * `1 - exp(-strength)`, so phone (0.90) and device (0.40) together give 0.94: agreeing
   * evidence never lowers the score. `fellegi-sunter`: the sum of `log2(m/u)` per field plus
   * the prior's log-odds, as a probability.
   * @default 'evidence'
   */
  readonly mode?: MatchMode;
  /** Rules for the evidence mode. */
  readonly evidence?: readonly EvidenceRule[];
  /** Parameters for the Fellegi-Sunter mode (required in that mode). */
  readonly fellegiSunter?: FellegiSunterParameters;
  /**
   * Score from which a pair is a match.
   * @default 0.8
   */
  readonly threshold?: number;
  /** Blocking keys beyond the per-field ones. */
  readonly blocking?: readonly BlockingRule<P>[];
  /**
   * Evidence mode: a value held by more records than this has its rule strength scaled by
   * `commonValueAt / count` and is flagged `common`.
   * @default 5
   */
  readonly commonValueAt?: number;
}

/** Frequencies the index knows, for common-value and term-frequency adjustment. */
export interface MatchContext {
  /** How many records hold this value of this field. */
  readonly frequency?: (field: string, key: string) => number;
  /** How many records there are. */
  readonly total?: number;
}

/** One field of a match explanation. */
export interface FieldComparison {
  readonly field: string;
  readonly level: ComparisonLevel;
  /** Similarity of the best pair of values (1 when exact, 0 when missing). */
  readonly similarity: number;
  /** The compared values, masked. */
  readonly left: string | undefined;
  readonly right: string | undefined;
  /**
   * Where the two values' comparison keys differ, without the values: `=` same character, `x`
   * substituted, `-` only left, `+` only right (`=x` for 王伟 and 王玮, both masked `王*`).
   * Undefined when a side is missing.
   */
  readonly pattern: string | undefined;
  /** Contribution to the score: nats in evidence mode, bits (log2 m/u) in Fellegi-Sunter mode. */
  readonly contribution: number;
  /** True when the shared value is held by many records and lost weight. */
  readonly common: boolean;
}

/** One evidence rule that fired. */
export interface FiredEvidence {
  readonly rule: string;
  readonly probability: number;
  /** Strength after close and common-value discounts, in nats. */
  readonly strength: number;
}

/** A scored, explained comparison of two records. */
export interface MatchResult {
  readonly leftId: string;
  readonly rightId: string;
  readonly mode: MatchMode;
  /** In [0, 1]. */
  readonly score: number;
  readonly isMatch: boolean;
  /** True when an identity field (ID number) differs: never the same person. */
  readonly conflict: boolean;
  readonly fields: readonly FieldComparison[];
  /** Evidence mode: the rules that fired. Empty in Fellegi-Sunter mode. */
  readonly evidence: readonly FiredEvidence[];
}

/** A configured matcher. Pure: no I/O, no clock, no randomness. */
export interface CustomerMatcher<R, P> {
  readonly mode: MatchMode;
  readonly threshold: number;
  readonly fieldNames: readonly string[];
  prepare(record: R): P;
  id(record: P): string;
  /** Score only (no explanation objects): the hot path for indexes and batches. */
  score(a: P, b: P, context?: MatchContext): number;
  /** Score with a per-field explanation (values masked). */
  compare(a: P, b: P, context?: MatchContext): MatchResult;
  /** True when an identity field differs. */
  conflict(a: P, b: P): boolean;
  /** True when an identity field differs or a field with a `disagreement` strength is `different`. */
  disagrees(a: P, b: P): boolean;
  /** Comparison levels per field, in `fieldNames` order (for estimation and reports). */
  levels(a: P, b: P): ComparisonLevel[];
  /** Blocking keys of a record (`field:key` and `rule:key`). */
  blockingKeys(record: P): string[];
  /** Identity values of a record (`field:key`), for cluster conflict checks. */
  identityKeys(record: P): string[];
  /**
   * Values (`field:key`) of frequency-adjusted fields that are not blocking fields (payment real
   * names). Indexes count them beside the blocking keys, so a common value loses weight even
   * when it does not block.
   */
  frequencyKeys(record: P): string[];
  /** A copy of this matcher with other settings. */
  with(overrides: Partial<Omit<CustomerMatcherConfig<R, P>, 'prepare' | 'id' | 'fields'>>): CustomerMatcher<R, P>;
}

/** Erases a field's value type so fields of different types sit in one list. */
export function matchField<P, V>(field: MatchField<P, V>): MatchField<P, unknown> {
  return field as unknown as MatchField<P, unknown>;
}

const defaultMask = (value: unknown): string => '*'.repeat(Math.min(String(value).length, 8));

function validate<R, P>(config: CustomerMatcherConfig<R, P>): void {
  expectObject('customer matcher config', config, '{ prepare, id, fields, ... }');
  expectArray('customer matcher config fields', config.fields, 'an array of fields');
  const issues: ValidationIssue[] = [];
  const names = new Set<string>();
  config.fields.forEach((field, i) => {
    if (names.has(field.name)) issues.push({ code: 'duplicate', path: ['fields', i, 'name'], message: `Field "${field.name}" is defined twice` });
    names.add(field.name);
    const closeAt = field.closeAt ?? 1;
    if (!(closeAt > 0 && closeAt <= 1)) issues.push({ code: 'out_of_range', path: ['fields', i, 'closeAt'], message: 'Expected closeAt in (0, 1]' });
    if (closeAt < 1 && field.similarity === undefined) issues.push({ code: 'missing', path: ['fields', i, 'similarity'], message: 'A close level needs a similarity function' });
  });
  const mode = config.mode ?? 'evidence';
  if (!MATCH_MODES.includes(mode)) issues.push({ code: 'invalid_value', path: ['mode'], message: `Expected one of ${MATCH_MODES.join(', ')}` });
  (config.evidence ?? []).forEach((rule, i) => {
    if (!(rule.probability > 0 && rule.probability < 1)) issues.push({ code: 'out_of_range', path: ['evidence', i, 'probability'], message: 'Expected a probability strictly between 0 and 1' });
    rule.fields.forEach((f, j) => {
      if (!names.has(f)) issues.push({ code: 'unknown_field', path: ['evidence', i, 'fields', j], message: `Unknown field "${f}"` });
    });
    if (rule.fields.length === 0) issues.push({ code: 'too_small', path: ['evidence', i, 'fields'], message: 'A rule needs at least one field' });
  });
  if (mode === 'evidence' && (config.evidence ?? []).length === 0) issues.push({ code: 'missing', path: ['evidence'], message: 'The evidence mode needs at least one evidence rule' });
  if (mode === 'fellegi-sunter') {
    const fs = config.fellegiSunter;
    if (fs === undefined) issues.push({ code: 'missing', path: ['fellegiSunter'], message: 'The Fellegi-Sunter mode needs m/u parameters (see estimateFellegiSunter)' });
    else {
      if (!(fs.prior > 0 && fs.prior < 1)) issues.push({ code: 'out_of_range', path: ['fellegiSunter', 'prior'], message: 'Expected a prior strictly between 0 and 1' });
      for (const name of names) {
        if (fs.m[name] === undefined || fs.u[name] === undefined) issues.push({ code: 'missing', path: ['fellegiSunter', name], message: `No m/u probabilities for field "${name}"` });
      }
    }
  }
  const threshold = config.threshold ?? 0.8;
  if (!(threshold >= 0 && threshold <= 1)) issues.push({ code: 'out_of_range', path: ['threshold'], message: 'Expected a threshold in [0, 1]' });
  const commonValueAt = config.commonValueAt ?? 5;
  if (!(Number.isInteger(commonValueAt) && commonValueAt >= 1)) issues.push({ code: 'out_of_range', path: ['commonValueAt'], message: 'Expected a positive integer' });
  if (issues.length > 0) throw new ValidationError('customer matcher config', issues);
}

const LEVEL_EXACT = 0;
const LEVEL_CLOSE = 1;
const LEVEL_DIFFERENT = 2;
const LEVEL_MISSING = 3;
const PROBABILITY_FLOOR = 1e-6;

/**
 * Builds a matcher from configuration. Works on any person data: the fields, comparators and
 * rules are configuration; {@link chineseRetailPreset} is one such configuration.
 * @example
 * const matcher = createCustomerMatcher(chineseRetailPreset());
 * matcher.compare(matcher.prepare(a), matcher.prepare(b)).score
 * @throws ValidationError when the configuration is inconsistent.
 */
export function createCustomerMatcher<R, P>(config: CustomerMatcherConfig<R, P>): CustomerMatcher<R, P> {
  validate(config);
  const mode = config.mode ?? 'evidence';
  const threshold = config.threshold ?? 0.8;
  const commonValueAt = config.commonValueAt ?? 5;
  const fields = config.fields;
  const fieldIndex = new Map(fields.map((f, i) => [f.name, i]));
  const keyOf = fields.map((f) => f.key ?? ((v: unknown) => String(v)));
  const closeAt = fields.map((f) => f.closeAt ?? 1);
  const identifies = fields.map((f): ((v: unknown) => boolean) => {
    const identity = f.identity;
    return typeof identity === 'function' ? identity : () => identity === true;
  });
  const isIdentityField = fields.map((f) => f.identity !== undefined && f.identity !== false);
  /** After compareField(i): the best pair differs and both of its values identify. */
  const identityDiffers = (i: number): boolean => {
    const identify = identifies[i] as (v: unknown) => boolean;
    return (levelScratch[i] === LEVEL_DIFFERENT || levelScratch[i] === LEVEL_CLOSE) && identify(leftScratch[i]) && identify(rightScratch[i]);
  };
  const rules = (config.evidence ?? []).map((rule) => ({
    name: rule.name,
    probability: rule.probability,
    closeFactor: rule.closeFactor ?? 0.8,
    fields: rule.fields.map((f) => fieldIndex.get(f) ?? 0),
  }));
  const weights = fields.map((f) => {
    const m = config.fellegiSunter?.m[f.name];
    const u = config.fellegiSunter?.u[f.name];
    const w = (l: 'exact' | 'close' | 'different'): number => Math.log2(Math.max(m?.[l] ?? 0, PROBABILITY_FLOOR) / Math.max(u?.[l] ?? 0, PROBABILITY_FLOOR));
    return { exact: w('exact'), close: w('close'), different: w('different'), mExact: Math.max(m?.exact ?? 0, PROBABILITY_FLOOR), uExact: Math.max(u?.exact ?? 0, PROBABILITY_FLOOR) };
  });
  const priorBits = config.fellegiSunter === undefined ? 0 : Math.log2(config.fellegiSunter.prior / (1 - config.fellegiSunter.prior));

  // Scratch space for the hot path: one comparison at a time, never re-entered.
  const levelScratch = new Int8Array(fields.length);
  const simScratch = new Float64Array(fields.length);
  const leftScratch: unknown[] = new Array<unknown>(fields.length);
  const rightScratch: unknown[] = new Array<unknown>(fields.length);

  function compareField(i: number, a: P, b: P): void {
    const field = fields[i] as MatchField<P, unknown>;
    const va = field.values(a);
    const vb = field.values(b);
    leftScratch[i] = va[0];
    rightScratch[i] = vb[0];
    if (va.length === 0 || vb.length === 0) {
      levelScratch[i] = LEVEL_MISSING;
      simScratch[i] = 0;
      return;
    }
    const key = keyOf[i] as (v: unknown) => string;
    let best = -1;
    let comparable = false;
    for (const x of va) {
      const kx = key(x);
      for (const y of vb) {
        if (kx === key(y)) {
          levelScratch[i] = LEVEL_EXACT;
          simScratch[i] = 1;
          leftScratch[i] = x;
          rightScratch[i] = y;
          return;
        }
        if (field.similarity !== undefined) {
          const s = field.similarity(x, y);
          // NaN: these two values cannot be compared (a Chinese and a Latin name), which is no evidence.
          if (Number.isNaN(s)) continue;
          comparable = true;
          if (s > best) {
            best = s;
            leftScratch[i] = x;
            rightScratch[i] = y;
          }
        }
      }
    }
    if (field.similarity !== undefined && !comparable) {
      levelScratch[i] = LEVEL_MISSING;
      simScratch[i] = 0;
      return;
    }
    simScratch[i] = Math.max(best, 0);
    // Similarity 1 on unequal keys means equivalent (an address with and without its district).
    levelScratch[i] = best >= 1 ? LEVEL_EXACT : best >= (closeAt[i] ?? 1) ? LEVEL_CLOSE : LEVEL_DIFFERENT;
  }

  function commonFactor(i: number, context: MatchContext | undefined): number {
    if (context?.frequency === undefined || levelScratch[i] !== LEVEL_EXACT || fields[i]?.frequencyAdjusted !== true) return 1;
    const n = context.frequency(fields[i]?.name ?? '', (keyOf[i] as (v: unknown) => string)(leftScratch[i]));
    return n > commonValueAt ? commonValueAt / n : 1;
  }

  /** Fills the scratch arrays and returns the raw total (nats or bits); per-field shares when asked. */
  function total(a: P, b: P, context: MatchContext | undefined, shares?: number[], fired?: FiredEvidence[], common?: boolean[]): number {
    for (let i = 0; i < fields.length; i += 1) compareField(i, a, b);
    if (mode === 'evidence') {
      let strength = 0;
      for (const rule of rules) {
        let factor = 1;
        let fires = true;
        for (const f of rule.fields) {
          const level = levelScratch[f];
          if (level === LEVEL_EXACT) continue;
          if (level === LEVEL_CLOSE) factor *= rule.closeFactor;
          else {
            fires = false;
            break;
          }
        }
        if (!fires) continue;
        let s = -Math.log(1 - rule.probability * factor);
        if (rule.fields.length === 1) {
          const f = rule.fields[0] ?? 0;
          const c = commonFactor(f, context);
          if (c < 1 && common !== undefined) common[f] = true;
          s *= c;
        }
        strength += s;
        if (shares !== undefined) for (const f of rule.fields) shares[f] = (shares[f] ?? 0) + s / rule.fields.length;
        fired?.push({ rule: rule.name, probability: rule.probability * factor, strength: s });
      }
      for (let i = 0; i < fields.length; i += 1) {
        const penalty = fields[i]?.disagreement ?? 0;
        if (penalty > 0 && levelScratch[i] === LEVEL_DIFFERENT) {
          // Graded: a near miss (one character of a two-character name) weighs less than a stranger's name.
          const graded = penalty * (1 - (simScratch[i] ?? 0) / (closeAt[i] ?? 1));
          strength -= graded;
          if (shares !== undefined) shares[i] = (shares[i] ?? 0) - graded;
        }
      }
      return strength;
    }
    let bits = priorBits;
    for (let i = 0; i < fields.length; i += 1) {
      const w = weights[i];
      if (w === undefined) continue;
      let contribution = 0;
      const level = levelScratch[i];
      if (level === LEVEL_EXACT) {
        contribution = w.exact;
        if (fields[i]?.frequencyAdjusted === true && context?.frequency !== undefined && context.total !== undefined && context.total > 0) {
          // Term-frequency adjustment: a value held by many records is weak evidence of a match.
          const n = context.frequency(fields[i]?.name ?? '', (keyOf[i] as (v: unknown) => string)(leftScratch[i]));
          const tf = n / context.total;
          if (tf > w.uExact) {
            contribution = Math.log2(w.mExact / tf);
            if (common !== undefined) common[i] = true;
          }
        }
      } else if (level === LEVEL_CLOSE) contribution = w.close;
      else if (level === LEVEL_DIFFERENT) contribution = w.different;
      bits += contribution;
      if (shares !== undefined) shares[i] = contribution;
    }
    return bits;
  }

  const toScore = (raw: number): number => (mode === 'evidence' ? (raw <= 0 ? 0 : 1 - Math.exp(-raw)) : 1 / (1 + 2 ** -raw));

  function conflict(a: P, b: P): boolean {
    for (let i = 0; i < fields.length; i += 1) {
      if (isIdentityField[i] !== true) continue;
      compareField(i, a, b);
      if (identityDiffers(i)) return true;
    }
    return false;
  }

  function disagrees(a: P, b: P): boolean {
    for (let i = 0; i < fields.length; i += 1) {
      const field = fields[i];
      if (field === undefined || (isIdentityField[i] !== true && (field.disagreement ?? 0) <= 0)) continue;
      compareField(i, a, b);
      if (identityDiffers(i) || ((field.disagreement ?? 0) > 0 && levelScratch[i] === LEVEL_DIFFERENT)) return true;
    }
    return false;
  }

  /** `field:key` of the values each field gives (none when `valuesOf` returns undefined), without repeats. */
  function fieldKeys(record: P, valuesOf: (field: MatchField<P, unknown>, i: number) => ((record: P) => readonly unknown[]) | undefined, extra: readonly string[] = []): string[] {
    const keys: string[] = [];
    fields.forEach((field, i) => {
      const values = valuesOf(field, i);
      if (values === undefined) return;
      const key = keyOf[i] as (v: unknown) => string;
      for (const v of values(record)) keys.push(`${field.name}:${key(v)}`);
    });
    keys.push(...extra);
    return keys.length < 2 ? keys : [...new Set(keys)];
  }

  const levelNames: readonly ComparisonLevel[] = COMPARISON_LEVELS;
  const matcher: CustomerMatcher<R, P> = {
    mode,
    threshold,
    fieldNames: fields.map((f) => f.name),
    prepare: config.prepare,
    id: config.id,
    score: (a, b, context) => toScore(total(a, b, context)),
    compare(a, b, context) {
      const shares = new Array<number>(fields.length).fill(0);
      const fired: FiredEvidence[] = [];
      const common = new Array<boolean>(fields.length).fill(false);
      const score = toScore(total(a, b, context, shares, fired, common));
      const explained: FieldComparison[] = fields.map((field, i) => {
        const mask = (field.mask ?? defaultMask) as (v: unknown) => string;
        const level = levelNames[levelScratch[i] ?? LEVEL_MISSING] ?? 'missing';
        return {
          field: field.name,
          level,
          similarity: simScratch[i] ?? 0,
          left: leftScratch[i] === undefined ? undefined : mask(leftScratch[i]),
          right: rightScratch[i] === undefined ? undefined : mask(rightScratch[i]),
          pattern:
            leftScratch[i] === undefined || rightScratch[i] === undefined
              ? undefined
              : differencePattern((keyOf[i] as (v: unknown) => string)(leftScratch[i]), (keyOf[i] as (v: unknown) => string)(rightScratch[i])),
          contribution: shares[i] ?? 0,
          common: common[i] ?? false,
        };
      });
      const isConflict = conflict(a, b);
      return { leftId: config.id(a), rightId: config.id(b), mode, score, isMatch: score >= threshold && !isConflict, conflict: isConflict, fields: explained, evidence: fired };
    },
    conflict,
    disagrees,
    levels(a, b) {
      for (let i = 0; i < fields.length; i += 1) compareField(i, a, b);
      return Array.from(levelScratch, (l) => levelNames[l] ?? 'missing');
    },
    blockingKeys: (record) =>
      fieldKeys(
        record,
        (field) => (field.block === true ? field.values : undefined),
        (config.blocking ?? []).flatMap((rule) => rule.keys(record).map((k) => `${rule.name}:${k}`)),
      ),
    identityKeys: (record) => fieldKeys(record, (field, i) => (isIdentityField[i] === true ? (r) => field.values(r).filter(identifies[i] as (v: unknown) => boolean) : undefined)),
    frequencyKeys: (record) => fieldKeys(record, (field) => (field.frequencyAdjusted === true && field.block !== true ? (field.frequencyValues ?? field.values) : undefined)),
    with: (overrides) => createCustomerMatcher({ ...config, ...overrides }),
  };
  return Object.freeze(matcher);
}
