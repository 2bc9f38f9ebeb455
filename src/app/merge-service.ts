// Merge a cluster into a golden profile with survivorship rules, audit every merge, and unmerge exactly.
import type { Clock } from '../clock/clock.js';
import { isInstant, type Instant } from '../clock/instant.js';
import { ConcurrencyError } from '../errors/concurrency-error.js';
import { z } from 'zod';
import { option, parseOptions } from '../errors/options.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Address } from '../model/address.js';
import type { Customer } from '../model/customer.js';
import { normaliseAddress } from '../customers/address.js';
import { normaliseDeviceId, normaliseEmail, normaliseName } from '../customers/name.js';
import { normalisePhone } from '../customers/phone.js';
import type { CustomerChange, CustomerStore, GoldenProfile, MergeAuditRecord } from '../ports/customer-store-port.js';
import { retryOnConflict } from './retry-on-conflict.js';
import type { MatchResult } from '../customers/matcher.js';

/** How a field's surviving value is chosen among the merged profiles. */
export const SURVIVORSHIP_RULES = ['most-recent', 'most-frequent', 'source-priority'] as const;
/** How a field's surviving value is chosen; see {@link SURVIVORSHIP_RULES}. */
export type SurvivorshipRule = (typeof SURVIVORSHIP_RULES)[number];

/** Customer fields that survivorship applies to. List fields are unions, ordered by the rule. */
export const SURVIVOR_FIELDS = ['names', 'phones', 'idNumber', 'emails', 'addresses', 'paymentAccounts', 'deviceIds', 'source', 'attributes'] as const;
/** A customer field that survivorship applies to. */
export type SurvivorField = (typeof SURVIVOR_FIELDS)[number];

/** Configuration of {@link createMergeService}. */
export interface MergeServiceConfig {
  readonly store: CustomerStore;
  /** Stamps audit records and golden profiles. */
  readonly clock: Clock;
  /** Ids for golden profiles and audit records; never random inside Ordo. */
  readonly newId: () => string;
  /**
   * Rule per field.
   * @default 'most-recent' for every field except `idNumber` ('most-frequent')
   */
  readonly survivorship?: Partial<Record<SurvivorField, SurvivorshipRule>>;
  /**
   * Sources from most to least trusted, for `source-priority` and tie-breaks.
   * @default []
   */
  readonly sourcePriority?: readonly string[];
  /**
   * When a profile was last updated, for `most-recent`. The Customer model has no timestamp.
   * @default reads `attributes.updatedAt` when it is a canonical instant
   */
  readonly recency?: (profile: Customer) => Instant | undefined;
}

/** A merge request. */
export interface MergeRequest {
  /** Source profiles of one person (at least two, or one plus an existing golden's sources). */
  readonly profiles: readonly Customer[];
  readonly actor: string;
  readonly reason: string;
  /** Pairwise explanations from the matcher, kept in the audit (already masked). */
  readonly evidence?: readonly MatchResult[];
}

/** An unmerge request. */
export interface UnmergeRequest {
  /** The merge audit record to undo. */
  readonly auditId: string;
  readonly actor: string;
  readonly reason: string;
}

/** The merge service. */
export interface MergeService {
  /** Merges profiles (and the golden profiles they already belong to) into one golden profile. */
  merge(request: MergeRequest): Promise<{ readonly golden: GoldenProfile; readonly audit: MergeAuditRecord }>;
  /** Restores exactly what a merge replaced. Refused when the golden profile changed since. */
  unmerge(request: UnmergeRequest): Promise<{ readonly restored: readonly GoldenProfile[]; readonly audit: MergeAuditRecord }>;
  /** Builds the golden profile of some profiles without storing anything (a preview). */
  survive(id: string, profiles: readonly Customer[]): { readonly profile: Customer; readonly lineage: Record<string, string> };
}

const defaultRecency = (profile: Customer): Instant | undefined => {
  const at = profile.attributes.updatedAt;
  return isInstant(at) ? at : undefined;
};

const stableKey = (value: unknown): string => JSON.stringify(value);

/**
 * Keys under which two spellings of one value are one value in a golden profile:
 * `13812345678` and `+86 138-1234-5678` are one phone, an address with and without its
 * province one address. A value no normaliser reads keeps its written form as its key.
 */
const SAME_VALUE: { readonly [F in 'names' | 'phones' | 'emails' | 'addresses' | 'deviceIds']: (value: never) => string } = {
  names: (value: string) => {
    const name = normaliseName(value);
    return name.ok ? `name:${name.value.key}` : stableKey(value);
  },
  phones: (value: string) => {
    const phone = normalisePhone(value);
    return phone.ok ? `phone:${phone.value.e164}` : stableKey(value);
  },
  emails: (value: string) => {
    const email = normaliseEmail(value);
    return email.ok ? `email:${email.value}` : stableKey(value);
  },
  addresses: (value: Address) => {
    const address = normaliseAddress(value);
    return address.ok ? `address:${address.value.key}|${address.value.detail}` : stableKey(value);
  },
  deviceIds: (value: string) => {
    const device = normaliseDeviceId(value);
    return device.ok ? `device:${device.value}` : stableKey(value);
  },
};

const mergeConfigSchema = z.strictObject({
  store: option.withMethods<CustomerStore>('a CustomerStore', 'commit', 'getProfiles', 'findGoldenBySource', 'getGolden', 'getAudit'),
  clock: option.withMethods<Clock>('a Clock', 'now'),
  newId: option.fn<() => string>(),
  survivorship: z.partialRecord(z.enum(SURVIVOR_FIELDS), z.enum(SURVIVORSHIP_RULES)).optional(),
  sourcePriority: z.array(z.string()).optional(),
  recency: option.fn<(profile: Customer) => Instant | undefined>().optional(),
});

/**
 * Creates the merge service over a {@link CustomerStore}.
 * @example
 * const merges = createMergeService({ store, clock, newId: () => ulid() });
 * const { golden } = await merges.merge({ profiles, actor: 'ops:li', reason: 'same phone and ID', evidence });
 */
export function createMergeService(config: MergeServiceConfig): MergeService {
  const parsed = parseOptions('merge service config', mergeConfigSchema, config);
  const { store, clock, newId } = parsed;
  const priority = parsed.sourcePriority ?? [];
  const recency = parsed.recency ?? defaultRecency;
  const ruleOf = (field: SurvivorField): SurvivorshipRule => parsed.survivorship?.[field] ?? (field === 'idNumber' ? 'most-frequent' : 'most-recent');

  const rank = (profile: Customer): number => {
    const at = priority.indexOf(profile.source ?? '');
    return at < 0 ? priority.length : at;
  };
  /** Profiles ordered best first for a rule; ties fall back to recency, priority, then input order. */
  function ordered(profiles: readonly Customer[], rule: SurvivorshipRule): Customer[] {
    const indexed = profiles.map((p, i) => ({ p, i, at: recency(p) ?? '', r: rank(p) }));
    const byRecency = (a: (typeof indexed)[number], b: (typeof indexed)[number]): number => (a.at === b.at ? 0 : a.at > b.at ? -1 : 1);
    indexed.sort((a, b) => (rule === 'source-priority' ? a.r - b.r || byRecency(a, b) : byRecency(a, b) || a.r - b.r) || a.i - b.i);
    return indexed.map((x) => x.p);
  }
  function pickSingle<T>(profiles: readonly Customer[], field: SurvivorField, get: (p: Customer) => T | undefined): { value: T | undefined; from: string | undefined } {
    const rule = ruleOf(field);
    const candidates = ordered(profiles, rule).filter((p) => get(p) !== undefined);
    if (rule === 'most-frequent') {
      const counts = new Map<string, number>();
      for (const p of candidates) counts.set(stableKey(get(p)), (counts.get(stableKey(get(p))) ?? 0) + 1);
      let best: Customer | undefined;
      for (const p of candidates) if (best === undefined || (counts.get(stableKey(get(p))) ?? 0) > (counts.get(stableKey(get(best))) ?? 0)) best = p;
      return { value: best === undefined ? undefined : get(best), from: best?.id };
    }
    const first = candidates[0];
    return { value: first === undefined ? undefined : get(first), from: first?.id };
  }
  /** Every value of a list field once (by its normalised key), the best-ranked spelling kept. */
  function union<T>(profiles: readonly Customer[], field: SurvivorField, get: (p: Customer) => readonly T[]): T[] {
    const rule = ruleOf(field);
    const keyOf = (Object.hasOwn(SAME_VALUE, field) ? SAME_VALUE[field as keyof typeof SAME_VALUE] : stableKey) as (value: T) => string;
    const counts = new Map<string, number>();
    for (const p of profiles) {
      for (const v of get(p)) {
        const k = keyOf(v);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
    const seen = new Set<string>();
    const out: { v: T; k: string; order: number }[] = [];
    for (const p of ordered(profiles, rule)) {
      for (const v of get(p)) {
        const k = keyOf(v);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push({ v, k, order: out.length });
      }
    }
    if (rule === 'most-frequent') out.sort((a, b) => (counts.get(b.k) ?? 0) - (counts.get(a.k) ?? 0) || a.order - b.order);
    return out.map((x) => structuredClone(x.v));
  }

  function survive(id: string, profiles: readonly Customer[]): { profile: Customer; lineage: Record<string, string> } {
    const lineage: Record<string, string> = {};
    const idNumber = pickSingle(profiles, 'idNumber', (p) => p.idNumber);
    const source = pickSingle(profiles, 'source', (p) => p.source);
    const attributes: Customer['attributes'] = {};
    const keys = [...new Set(profiles.flatMap((p) => Object.keys(p.attributes)))].sort();
    for (const key of keys) {
      const picked = pickSingle(profiles, 'attributes', (p) => p.attributes[key]);
      if (picked.value !== undefined) attributes[key] = picked.value;
      if (picked.from !== undefined) lineage[`attributes.${key}`] = picked.from;
    }
    const profile: Customer = {
      id,
      names: union(profiles, 'names', (p) => p.names),
      phones: union(profiles, 'phones', (p) => p.phones),
      emails: union(profiles, 'emails', (p) => p.emails),
      addresses: union(profiles, 'addresses', (p) => p.addresses),
      paymentAccounts: union(profiles, 'paymentAccounts', (p) => p.paymentAccounts),
      deviceIds: union(profiles, 'deviceIds', (p) => p.deviceIds),
      attributes,
    };
    if (idNumber.value !== undefined && idNumber.from !== undefined) {
      profile.idNumber = idNumber.value;
      lineage.idNumber = idNumber.from;
    }
    if (source.value !== undefined && source.from !== undefined) {
      profile.source = source.value;
      lineage.source = source.from;
    }
    return { profile, lineage };
  }

  /** The merge as data: the golden profile, its audit record and the one unit that stores them. */
  function decideMerge(
    request: MergeRequest,
    read: { readonly previousGoldens: readonly GoldenProfile[]; readonly storedProfiles: readonly Customer[]; readonly extra: readonly Customer[] },
  ): { readonly golden: GoldenProfile; readonly audit: MergeAuditRecord; readonly changes: readonly CustomerChange[] } {
    const sources = [...request.profiles.map((p) => structuredClone(p)), ...read.extra];
    if (sources.length < 2) throw new ValidationError('merge request', [{ code: 'too_small', path: ['profiles'], message: 'A merge needs at least two source profiles' }]);
    const at = clock.now();
    const goldenId = newId();
    const { profile, lineage } = survive(goldenId, sources);
    const golden: GoldenProfile = { id: goldenId, profile, sourceIds: sources.map((s) => s.id), lineage, version: 1, createdAt: at, updatedAt: at };
    const audit: MergeAuditRecord = {
      id: newId(),
      action: 'merge',
      goldenId,
      actor: request.actor,
      at,
      reason: request.reason,
      evidence: request.evidence ?? [],
      before: { profiles: [...read.storedProfiles], goldens: [...read.previousGoldens] },
      after: { profiles: sources, goldens: [golden] },
    };
    const changes: CustomerChange[] = [
      ...request.profiles.map((p): CustomerChange => ({ type: 'putProfile', profile: p })),
      // Only the versions read: a golden profile changed meanwhile fails the unit, and the merge reads again.
      ...read.previousGoldens.map((g): CustomerChange => ({ type: 'deleteGolden', id: g.id, expectedVersion: g.version })),
      { type: 'putGolden', golden, expectedVersion: null },
      { type: 'appendAudit', record: audit },
    ];
    return { golden, audit, changes };
  }

  return Object.freeze({
    survive,
    async merge(request: MergeRequest) {
      if (request.profiles.length === 0) throw new ValidationError('merge request', [{ code: 'too_small', path: ['profiles'], message: 'Expected at least one profile' }]);
      if (request.actor.length === 0) throw new ValidationError('merge request', [{ code: 'too_small', path: ['actor'], message: 'Expected who merges' }]);
      // Read, decide, commit one unit; a golden profile another merge changed meanwhile means
      // reading again and deciding on what is stored now.
      return retryOnConflict(async () => {
        // Profiles already merged bring their golden profile and its other sources along.
        const previousGoldens = new Map<string, GoldenProfile>();
        for (const p of request.profiles) {
          const g = await store.findGoldenBySource(p.id);
          if (g !== null) previousGoldens.set(g.id, g);
        }
        const givenIds = new Set(request.profiles.map((p) => p.id));
        const extraIds = [...previousGoldens.values()].flatMap((g) => g.sourceIds).filter((id) => !givenIds.has(id));
        const stored = await store.getProfiles([...givenIds, ...extraIds]);
        const storedById = new Map(stored.map((p) => [p.id, p]));
        const extra = extraIds.flatMap((id) => storedById.get(id) ?? []);
        const decision = decideMerge(request, { previousGoldens: [...previousGoldens.values()], storedProfiles: stored, extra });
        await store.commit(decision.changes);
        return { golden: decision.golden, audit: decision.audit };
      }, { retries: 3, minBackoffMs: 5 });
    },
    async unmerge(request: UnmergeRequest) {
      const merged = await store.getAudit(request.auditId);
      if (merged === null || merged.action !== 'merge') {
        throw new ValidationError('unmerge request', [{ code: 'not_found', path: ['auditId'], message: `No merge audit record ${request.auditId}` }]);
      }
      const current = await store.getGolden(merged.goldenId);
      const expected = merged.after.goldens[0];
      if (current === null || expected === undefined || current.version !== expected.version) {
        throw new ConcurrencyError({ entity: 'golden profile', id: merged.goldenId, expectedVersion: expected?.version ?? null, actualVersion: current?.version ?? null });
      }
      const at = clock.now();
      const afterProfiles = await store.getProfiles(merged.after.profiles.map((p) => p.id));
      const audit: MergeAuditRecord = {
        id: newId(),
        action: 'unmerge',
        goldenId: current.id,
        actor: request.actor,
        at,
        reason: request.reason,
        evidence: merged.evidence,
        before: { profiles: afterProfiles, goldens: [current] },
        after: { profiles: merged.before.profiles, goldens: merged.before.goldens },
        undoes: merged.id,
      };
      // Exactly what was there before, in one unit: the golden profile goes (only the version
      // read), profiles the merge added go, the old profiles and golden profiles come back.
      const existedBefore = new Set(merged.before.profiles.map((p) => p.id));
      await store.commit([
        { type: 'deleteGolden', id: current.id, expectedVersion: current.version },
        ...merged.after.profiles.filter((p) => !existedBefore.has(p.id)).map((p): CustomerChange => ({ type: 'deleteProfile', id: p.id })),
        ...merged.before.profiles.map((profile): CustomerChange => ({ type: 'putProfile', profile })),
        ...merged.before.goldens.map((golden): CustomerChange => ({ type: 'putGolden', golden, expectedVersion: null })),
        { type: 'appendAudit', record: audit },
      ]);
      return { restored: merged.before.goldens, audit };
    },
  });
}
