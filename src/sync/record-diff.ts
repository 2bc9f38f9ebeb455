// Field-level diff of what two systems hold for one record, with per-field comparators and tolerances. Pure.
import { parseInstant, parseOffsetDateTime } from '../clock/instant-schema.js';
import { durationToMillis, type DurationInput } from '../clock/instant.js';
import { describeInput, hasPersonalDigitRun, maskLongDigitRuns, maskPersonalData, type PersonalDataKind } from '../errors/mask.js';
import { isOrdoError } from '../errors/ordo-error.js';
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { isCurrencyCode, parseMoney } from '../money/money.js';
import { isStatusDictionary, type StatusDictionary } from './status-dictionary.js';

/** How much a difference matters, least first. */
export const DIFF_SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;

/** A severity; see {@link DIFF_SEVERITIES}. */
export type DiffSeverity = (typeof DIFF_SEVERITIES)[number];

/** The comparator types of a field spec. */
export const DIFF_COMPARATORS = ['exact', 'number', 'money', 'instant', 'text', 'status', 'set', 'lines'] as const;

/** A comparator type; see {@link DIFF_COMPARATORS}. */
export type DiffComparatorType = (typeof DIFF_COMPARATORS)[number];

/** What one field of a {@link DiffSpecInput} says; every kind takes `severity` and `personal`. */
interface FieldBase {
  /** @default the spec's `severity` ('error') */
  readonly severity?: DiffSeverity;
  /** The field holds personal data of this kind: its values are masked as such in differences. */
  readonly personal?: PersonalDataKind;
}

/** Deep equality (objects and arrays by content). */
export interface ExactField extends FieldBase {
  readonly compare: 'exact';
}
/** Numbers within an absolute tolerance. */
export interface NumberField extends FieldBase {
  readonly compare: 'number';
  /** @default 0 */
  readonly tolerance?: number;
}
/**
 * Money: `{ amount, currency }` in minor units, a safe integer of minor units, or decimal text in
 * major units (`"19.90"`, as finance systems send); the latter two need `currency`. Floats are
 * unreadable, never rounded. A currency mismatch is a difference whatever the tolerance.
 */
export interface MoneyField extends FieldBase {
  readonly compare: 'money';
  /** Minor units the two amounts may differ by. @default 0 */
  readonly tolerance?: number;
  /** The currency of bare integers and decimal text. */
  readonly currency?: string;
}
/**
 * Instants: ISO-8601 text with an offset or epoch milliseconds. Offset-less text is unreadable
 * unless `zone` says where it was written (the UTC-vs-Beijing mistake is refused, not guessed).
 */
export interface InstantField extends FieldBase {
  readonly compare: 'instant';
  /** @default 0 */
  readonly tolerance?: DurationInput;
  /** The IANA zone offset-less wall times of both sides are written in. */
  readonly zone?: string;
}
/** Text after the chosen normalisations. */
export interface TextField extends FieldBase {
  readonly compare: 'text';
  /** Ignore leading and trailing spaces and collapse runs of spaces. @default true */
  readonly trim?: boolean;
  /** Compare case-insensitively. @default false */
  readonly caseInsensitive?: boolean;
  /** Full-width and half-width forms are equal (NFKC: `１３８` = `138`, `ＡＢＣ` = `ABC`). @default false */
  readonly widthInsensitive?: boolean;
}
/**
 * Statuses through each side's dictionary (a side without one holds canonical statuses). Two
 * statuses agree when equal or when one side's dictionary shows the other's status as its own
 * (see {@link StatusDictionary.project}: Tmall's "paid" agrees with Ordo's `allocated`).
 */
export interface StatusField extends FieldBase {
  readonly compare: 'status';
  readonly source?: StatusDictionary<string>;
  readonly target?: StatusDictionary<string>;
}
/** Arrays compared as sets of primitives (order and repeats ignored). */
export interface SetField extends FieldBase {
  readonly compare: 'set';
}
/** Arrays of objects matched by a key (e.g. order lines by `lineId`), each pair diffed by `fields`. */
export interface LinesField extends FieldBase {
  readonly compare: 'lines';
  /** The property that identifies an element on both sides. */
  readonly key: string;
  readonly fields?: Readonly<Record<string, DiffFieldSpec>>;
  /** @default the parent spec's `others` */
  readonly others?: 'exact' | 'ignore';
  readonly ignore?: readonly string[];
}

/** One field's comparator; a bare comparator name is that comparator with its defaults. */
export type DiffFieldSpec = ExactField | NumberField | MoneyField | InstantField | TextField | StatusField | SetField | LinesField | Exclude<DiffComparatorType, 'lines'>;

/** The declaration passed to {@link compileDiffSpec} (or straight to {@link diffRecords}). */
export interface DiffSpecInput {
  /** Fields by dotted path (`total`, `shipping.name`), each with its comparator. */
  readonly fields?: Readonly<Record<string, DiffFieldSpec>>;
  /** Fields not listed: compared exactly (every leaf), or ignored. @default 'exact' */
  readonly others?: 'exact' | 'ignore';
  /** Dotted paths never compared; `*` matches one segment (`meta.*`, `lines.*.updatedAt`). A path ignores all below it. */
  readonly ignore?: readonly string[];
  /** @default 'error' */
  readonly severity?: DiffSeverity;
}

/** Why two values differ. */
export const DIFFERENCE_KINDS = ['mismatch', 'missing_in_source', 'missing_in_target', 'unreadable', 'duplicate_key', 'unmapped'] as const;

/** A difference kind; see {@link DIFFERENCE_KINDS}. */
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

/** One difference between the two records. Values are masked: personal data never appears whole. */
export interface FieldDifference {
  /** Where, e.g. `['total']`, `['lines', 'L1', 'quantity']` (elements of `lines` fields by key). */
  readonly path: readonly (string | number)[];
  /** The spec field that compared it, or `*` for a field the spec does not list. */
  readonly field: string;
  readonly kind: DifferenceKind;
  readonly severity: DiffSeverity;
  readonly source: unknown;
  readonly target: unknown;
  /** For people: by how much, which tolerance, why a value could not be read. */
  readonly detail?: string;
}

/** What {@link diffRecords} answers. */
export interface RecordDiff {
  readonly equal: boolean;
  readonly differences: readonly FieldDifference[];
  /** The highest severity among the differences, or `undefined` when equal. */
  readonly severity: DiffSeverity | undefined;
}

/** A checked spec, compiled to plain functions; reuse it for every record. */
export interface DiffSpec {
  readonly fields: readonly string[];
  readonly others: 'exact' | 'ignore';
  /** The declaration as given. */
  readonly input: DiffSpecInput;
}

type Found = { readonly kind: DifferenceKind; readonly detail?: string } | undefined;
/** Where differences are collected (an array, not a callback: no closure per record). */
type Out = FieldDifference[];

interface CompiledField {
  readonly name: string;
  readonly severity: DiffSeverity;
  readonly personal: PersonalDataKind | undefined;
  /** Values are typed data (amounts, instants, statuses): shown as they are. */
  readonly typed: boolean;
  /** Compares two present values; `undefined` when they agree. */
  readonly compare?: (source: unknown, target: unknown) => Found;
  /** For `lines`: compares whole arrays, pushing element differences itself. */
  readonly nested?: (source: unknown, target: unknown, path: (string | number)[], out: Out, ignores: IgnoreNode[] | undefined) => void;
}

interface SpecNode {
  readonly children: Map<string, SpecNode>;
  field?: CompiledField;
}

interface IgnoreNode {
  readonly children: Map<string, IgnoreNode>;
  end: boolean;
}

interface CompiledSpec {
  readonly root: SpecNode;
  readonly ignore: IgnoreNode | undefined;
  /** `[ignore]`, made once. */
  readonly rootIgnores: IgnoreNode[] | undefined;
  readonly others: 'exact' | 'ignore';
  /** How a field the spec does not list is reported: `*`, at the spec's severity. */
  readonly other: CompiledField;
}

const compiled = new WeakMap<object, CompiledSpec>();
/** The public spec of a declaration or of itself, so compiling twice returns the first result. */
const specs = new WeakMap<object, DiffSpec>();
const SEVERITY_RANK: Readonly<Record<DiffSeverity, number>> = { info: 0, warning: 1, error: 2, critical: 3 };

/**
 * Checks a diff spec and compiles it: every problem at once, each with its path
 * (`fields.total.tolerance`). A spec compiled already (or its declaration) is returned as it is.
 *
 * @throws ValidationError `INVALID_OPTIONS`.
 * @example
 * const spec = compileDiffSpec({
 *   fields: { total: { compare: 'money', tolerance: 1 }, status: { compare: 'status', target: wms }, 'shipping.name': { compare: 'text', personal: 'name' } },
 *   ignore: ['meta'],
 * });
 */
export function compileDiffSpec(input: DiffSpecInput | DiffSpec): DiffSpec {
  // A compiled spec, or a declaration compiled before, is answered as it is.
  const known = typeof input === 'object' && input !== null ? specs.get(input) : undefined;
  if (known !== undefined) return known;
  const issues: ValidationIssue[] = [];
  const spec = compileSpecNode(input, [], issues);
  if (issues.length > 0 || spec === undefined) throw new ValidationError('diff spec', issues, { code: 'INVALID_OPTIONS' });
  const declared = input as DiffSpecInput;
  const result: DiffSpec = Object.freeze({ fields: Object.freeze(Object.keys(declared.fields ?? {})), others: spec.others, input: declared });
  compiled.set(result, spec);
  compiled.set(declared, spec);
  specs.set(result, result);
  specs.set(declared, result);
  return result;
}

/**
 * Compares what two systems hold for one record, field by field, per `spec`. Never throws for
 * the records: a value a comparator cannot read is an `unreadable` difference, so one bad record
 * never stops a batch. Pass a compiled spec ({@link compileDiffSpec}) in loops; a declaration
 * is compiled once and remembered.
 *
 * @throws ValidationError `INVALID_OPTIONS` for a wrong spec.
 * @example
 * diffRecords({ total: { amount: 1990, currency: 'CNY' } }, { total: '19.91' }, { fields: { total: { compare: 'money', currency: 'CNY', tolerance: 1 } } }).equal // true
 */
export function diffRecords(source: unknown, target: unknown, spec: DiffSpec | DiffSpecInput): RecordDiff {
  const plan = typeof spec === 'object' && spec !== null ? (compiled.get(spec) ?? compiled.get(compileDiffSpec(spec as DiffSpecInput))) : undefined;
  if (plan === undefined) throw new ValidationError('diff spec', [{ code: 'invalid_type', path: [], message: 'Expected a diff spec object (see compileDiffSpec)' }], { code: 'INVALID_OPTIONS' });
  const differences: FieldDifference[] = [];
  walk(plan, plan.root, plan.rootIgnores, source, target, [], differences);
  let severity: DiffSeverity | undefined;
  for (const difference of differences) if (severity === undefined || SEVERITY_RANK[difference.severity] > SEVERITY_RANK[severity]) severity = difference.severity;
  return { equal: differences.length === 0, differences, severity };
}

// ---------------------------------------------------------------------------------------------
// Walking


function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function walk(plan: CompiledSpec, node: SpecNode, ignores: IgnoreNode[] | undefined, source: unknown, target: unknown, path: (string | number)[], out: Out): void {
  const s = isPlainObject(source) ? source : undefined;
  const t = isPlainObject(target) ? target : undefined;
  if ((source !== undefined && s === undefined) || (target !== undefined && t === undefined)) {
    // One side is not an object where the other is (or where fields are listed): one difference for the whole.
    if (plan.others === 'exact' || path.length === 0 || node.children.size > 0) emitWhole(plan.other, source, target, path, out);
    return;
  }
  if (s === undefined && t === undefined) return;
  if (path.length === 0 && (s === undefined || t === undefined)) {
    // A record one system does not hold at all: one difference, not one per field.
    emit(plan.other, s === undefined ? 'missing_in_source' : 'missing_in_target', source === undefined ? undefined : '(record)', target === undefined ? undefined : '(record)', path, out);
    return;
  }
  if (plan.others === 'ignore') {
    for (const [key, child] of node.children) visit(plan, child, ignores, key, own(s, key), own(t, key), path, out);
    return;
  }
  // Own keys only: a record's "constructor" key is data, Object.prototype's is not.
  let shared = 0;
  if (s !== undefined) {
    for (const key in s) {
      if (!Object.hasOwn(s, key)) continue;
      const value = s[key];
      const other = own(t, key);
      if (t !== undefined && (other !== undefined || Object.hasOwn(t, key))) shared += 1;
      // Most fields of most records are the same value: nothing to look up.
      if (value === other && (typeof value !== 'number' || !Number.isNaN(value))) continue;
      visit(plan, node.children.get(key), ignores, key, value, other, path, out);
    }
  }
  if (t !== undefined && ownKeyCount(t) > shared) {
    for (const key in t) {
      if (Object.hasOwn(t, key) && (s === undefined || !Object.hasOwn(s, key))) visit(plan, node.children.get(key), ignores, key, undefined, t[key], path, out);
    }
  }
}

function own(record: Record<string, unknown> | undefined, key: string): unknown {
  if (record === undefined) return undefined;
  const value = record[key];
  return value === undefined || (typeof value === 'function' && !Object.hasOwn(record, key)) || (key === '__proto__' && !Object.hasOwn(record, key)) ? undefined : value;
}

function ownKeyCount(record: Record<string, unknown>): number {
  return Object.keys(record).length;
}

function visit(plan: CompiledSpec, child: SpecNode | undefined, ignores: IgnoreNode[] | undefined, key: string, s: unknown, t: unknown, path: (string | number)[], out: Out): void {
  if (s === undefined && t === undefined) return;
  let next: IgnoreNode[] | undefined;
  if (ignores !== undefined) {
    next = [];
    for (const node of ignores) {
      const exact = node.children.get(key);
      const any = node.children.get('*');
      if (exact?.end === true || any?.end === true) return;
      if (exact !== undefined) next.push(exact);
      if (any !== undefined) next.push(any);
    }
    if (next.length === 0) next = undefined;
  }
  const field = child?.field;
  if (field !== undefined) {
    // The common case, equal primitives, allocates nothing.
    if (s === t && (typeof s !== 'number' || !Number.isNaN(s))) return;
    compareField(field, s, t, [...path, key], out, next);
  } else if (child !== undefined) {
    walk(plan, child, next, s, t, [...path, key], out);
  } else if (plan.others === 'exact' && s !== t) {
    compareOther(plan, next, s, t, [...path, key], out);
  }
}

function compareField(field: CompiledField, s: unknown, t: unknown, path: (string | number)[], out: Out, ignores?: IgnoreNode[]): void {
  if (s === undefined || t === undefined) {
    emit(field, s === undefined ? 'missing_in_source' : 'missing_in_target', s, t, path, out);
    return;
  }
  if (field.nested !== undefined) {
    field.nested(s, t, path, out, ignores);
    return;
  }
  const found = (field.compare as (a: unknown, b: unknown) => Found)(s, t);
  if (found !== undefined) emit(field, found.kind, s, t, path, out, found.detail);
}

// A field the spec does not list: every leaf compared exactly, objects descended into.
function compareOther(plan: CompiledSpec, ignores: IgnoreNode[] | undefined, s: unknown, t: unknown, path: (string | number)[], out: Out): void {
  if (s === t) return;
  if (isPlainObject(s) && isPlainObject(t)) {
    walk(plan, EMPTY_NODE, ignores, s, t, path, out);
    return;
  }
  if (Array.isArray(s) && Array.isArray(t) && s.length === t.length) {
    for (let i = 0; i < s.length; i += 1) compareOther(plan, ignores, s[i], t[i], [...path, i], out);
    return;
  }
  emitWhole(plan.other, s, t, path, out);
}

const EMPTY_NODE: SpecNode = { children: new Map() };

function emitWhole(field: CompiledField, s: unknown, t: unknown, path: (string | number)[], out: Out): void {
  if (s === undefined || t === undefined) emit(field, s === undefined ? 'missing_in_source' : 'missing_in_target', s, t, path, out);
  else if (!deepEqual(s, t)) emit(field, 'mismatch', s, t, path, out);
}

function emit(field: CompiledField, kind: DifferenceKind, s: unknown, t: unknown, path: (string | number)[], out: Out, detail?: string): void {
  const difference: FieldDifference = {
    path,
    field: field.name,
    kind,
    severity: field.severity,
    // A value its comparator could not read may be anything (a phone in a date field): shown by its shape.
    source: shown(s, kind === 'unreadable' ? { ...field, typed: false } : field),
    target: shown(t, kind === 'unreadable' ? { ...field, typed: false } : field),
    ...(detail === undefined ? {} : { detail: maskLongDigitRuns(detail) }),
  };
  out.push(difference);
}

const CODE_LIKE = /^[A-Za-z0-9_.:/ -]{0,40}$/;

/**
 * A value as a difference may show it: typed values as they are; personal data masked; other text
 * by its shape unless it reads as a code. Whatever the field, a digit run as long as a phone, ID
 * or card number (a phone typed into a money field) is shown by its shape.
 */
function shown(value: unknown, field: CompiledField): unknown {
  if (value === undefined || value === null || typeof value === 'boolean') return value;
  if (field.personal !== undefined) {
    if (typeof value === 'string' || typeof value === 'number') return maskPersonalData(String(value), field.personal);
    return Array.isArray(value) ? value.map((item) => shown(item, field)) : '(masked)';
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && hasPersonalDigitRun(String(Math.abs(value)))) return describeInput(String(value));
    return field.typed || !Number.isInteger(value) || Math.abs(value) < 1_000_000 ? value : describeInput(String(value));
  }
  if (typeof value === 'string') {
    if (hasPersonalDigitRun(value)) return describeInput(value);
    if (field.typed) return value.length <= 64 ? value : describeInput(value);
    return CODE_LIKE.test(value) && (value.match(/\d/g)?.length ?? 0) <= 6 ? value : describeInput(value);
  }
  if (Array.isArray(value)) return value.length <= 20 ? value.map((item) => shown(item, { ...field, typed: false })) : `an array of ${value.length}`;
  if (field.typed && isPlainObject(value) && typeof value['amount'] === 'number' && typeof value['currency'] === 'string') {
    return { amount: shown(value['amount'], field), currency: shown(value['currency'], { ...field, typed: false }) };
  }
  return isPlainObject(value) ? `an object with ${Object.keys(value).length} keys` : `a ${typeof value}`;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i += 1) if (!deepEqual(a[i], other[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((key) => left[key] !== undefined);
  if (keys.length !== Object.keys(right).filter((key) => right[key] !== undefined).length) return false;
  for (const key of keys) if (!deepEqual(left[key], right[key])) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Compiling

const SPEC_KEYS = new Set(['fields', 'others', 'ignore', 'severity']);
const PATH = /^[^.\s]+(\.[^.\s]+)*$/;

function compileSpecNode(input: unknown, at: (string | number)[], issues: ValidationIssue[]): CompiledSpec | undefined {
  const issue = (path: (string | number)[], message: string, code = 'invalid_value'): void => {
    issues.push({ code, path: [...at, ...path], message });
  };
  if (!isPlainObject(input)) {
    issue([], 'Expected a diff spec object: { fields, others, ignore, severity }', 'invalid_type');
    return undefined;
  }
  for (const key of Object.keys(input)) if (!SPEC_KEYS.has(key) && at.length === 0) issue([key], 'Unknown key (expected fields, others, ignore or severity)', 'unrecognized_keys');
  const severity = (input['severity'] ?? 'error') as DiffSeverity;
  if (!(DIFF_SEVERITIES as readonly unknown[]).includes(severity)) issue(['severity'], `Expected one of ${DIFF_SEVERITIES.join(', ')}`);
  let others = (input['others'] ?? 'exact') as 'exact' | 'ignore';
  if (others !== 'exact' && others !== 'ignore') {
    issue(['others'], 'Expected "exact" or "ignore"');
    others = 'exact';
  }

  const root: SpecNode = { children: new Map() };
  const fields = input['fields'] ?? {};
  if (!isPlainObject(fields)) {
    issue(['fields'], 'Expected an object of dotted path to comparator', 'invalid_type');
  } else {
    for (const [name, declared] of Object.entries(fields)) {
      if (!PATH.test(name)) {
        issue(['fields', name], 'Expected a dotted path such as "shipping.name"');
        continue;
      }
      const field = compileField(name, declared as DiffFieldSpec, isSeverity(severity) ? severity : 'error', others, [...at, 'fields', name], issues);
      if (field === undefined) continue;
      let node = root;
      for (const segment of name.split('.')) {
        let next = node.children.get(segment);
        if (next === undefined) {
          next = { children: new Map() };
          node.children.set(segment, next);
        }
        node = next;
      }
      if (node.field !== undefined || node.children.size > 0) issue(['fields', name], 'Listed twice, or nested inside another listed field');
      node.field = field;
    }
    // A field listed inside another listed field (`a` and `a.b`) is compared by the outer one only.
    const checkNesting = (node: SpecNode, path: string[]): void => {
      for (const [key, child] of node.children) {
        if (child.field !== undefined && child.children.size > 0) issue(['fields', [...path, key].join('.')], 'Has fields listed inside it: list the inner fields, or this one, not both');
        checkNesting(child, [...path, key]);
      }
    };
    checkNesting(root, []);
  }

  let ignore: IgnoreNode | undefined;
  const ignored = input['ignore'] ?? [];
  if (!Array.isArray(ignored)) {
    issue(['ignore'], 'Expected a list of dotted paths', 'invalid_type');
  } else if (ignored.length > 0) {
    ignore = { children: new Map(), end: false };
    ignored.forEach((path, index) => {
      if (typeof path !== 'string' || !PATH.test(path)) {
        issue(['ignore', index], 'Expected a dotted path such as "meta" or "lines.*.updatedAt"');
        return;
      }
      let node = ignore as IgnoreNode;
      for (const segment of path.split('.')) {
        let next = node.children.get(segment);
        if (next === undefined) {
          next = { children: new Map(), end: false };
          node.children.set(segment, next);
        }
        node = next;
      }
      node.end = true;
    });
  }
  const level = isSeverity(severity) ? severity : 'error';
  return { root, ignore, rootIgnores: ignore === undefined ? undefined : [ignore], others, other: { name: '*', severity: level, personal: undefined, typed: false } };
}

function isSeverity(value: unknown): value is DiffSeverity {
  return (DIFF_SEVERITIES as readonly unknown[]).includes(value);
}

const FIELD_KEYS: Readonly<Record<DiffComparatorType, readonly string[]>> = {
  exact: [],
  number: ['tolerance'],
  money: ['tolerance', 'currency'],
  instant: ['tolerance', 'zone'],
  text: ['trim', 'caseInsensitive', 'widthInsensitive'],
  status: ['source', 'target'],
  set: [],
  lines: ['key', 'fields', 'others', 'ignore'],
};
const PERSONAL_KINDS = ['phone', 'idNumber', 'name', 'address', 'email', 'generic'];

function compileField(name: string, declared: DiffFieldSpec, parentSeverity: DiffSeverity, parentOthers: 'exact' | 'ignore', at: (string | number)[], issues: ValidationIssue[]): CompiledField | undefined {
  const spec = (typeof declared === 'string' ? { compare: declared } : declared) as Record<string, unknown>;
  const issue = (path: (string | number)[], message: string, code = 'invalid_value'): void => {
    issues.push({ code, path: [...at, ...path], message });
  };
  if (!isPlainObject(spec) || !(DIFF_COMPARATORS as readonly unknown[]).includes(spec['compare'])) {
    issue(isPlainObject(spec) ? ['compare'] : [], `Expected a comparator: one of ${DIFF_COMPARATORS.join(', ')}`);
    return undefined;
  }
  const type = spec['compare'] as DiffComparatorType;
  const before = issues.length;
  for (const key of Object.keys(spec)) {
    if (key !== 'compare' && key !== 'severity' && key !== 'personal' && !FIELD_KEYS[type].includes(key)) issue([key], `Unknown key for a ${type} comparator (it takes ${['severity', 'personal', ...FIELD_KEYS[type]].join(', ')})`, 'unrecognized_keys');
  }
  const severity = spec['severity'] ?? parentSeverity;
  if (!isSeverity(severity)) issue(['severity'], `Expected one of ${DIFF_SEVERITIES.join(', ')}`);
  const personal = spec['personal'] as PersonalDataKind | undefined;
  if (personal !== undefined && !PERSONAL_KINDS.includes(personal)) issue(['personal'], `Expected one of ${PERSONAL_KINDS.join(', ')}`);
  const base = { name, severity: isSeverity(severity) ? severity : 'error', personal } as const;

  const tolerance = (key = 'tolerance'): number => {
    const value = spec[key] ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      issue([key], 'Expected a non-negative number');
      return 0;
    }
    return value;
  };
  let field: CompiledField | undefined;
  switch (type) {
    case 'exact':
      field = { ...base, typed: false, compare: (s, t) => (deepEqual(s, t) ? undefined : MISMATCH) };
      break;
    case 'number': {
      const limit = tolerance();
      field = { ...base, typed: true, compare: (s, t) => compareNumbers(s, t, limit) };
      break;
    }
    case 'money': {
      const limit = tolerance();
      if (!Number.isInteger(limit)) issue(['tolerance'], 'Expected whole minor units (fen, cents)');
      const currency = spec['currency'];
      if (currency !== undefined && (typeof currency !== 'string' || !isCurrencyCode(currency))) issue(['currency'], 'Expected an ISO 4217 code such as "CNY"');
      const known = typeof currency === 'string' && isCurrencyCode(currency) ? currency : undefined;
      // Scratch for the currencies read: diffing is synchronous, so one pair per field is safe.
      const left = { currency: known };
      const right = { currency: known };
      field = { ...base, typed: true, compare: (s, t) => compareMoney(s, t, limit, known, left, right) };
      break;
    }
    case 'instant': {
      let limit = 0;
      try {
        limit = durationToMillis((spec['tolerance'] ?? 0) as DurationInput);
        if (limit < 0) issue(['tolerance'], 'Expected a non-negative duration');
      } catch (error) {
        issue(['tolerance'], isOrdoError(error) ? error.message : 'Expected a duration such as { seconds: 30 }');
      }
      const zone = spec['zone'];
      let options: { zone?: string } = {};
      if (zone !== undefined) {
        try {
          parseInstant('2000-01-01 00:00', { zone: zone as string });
          options = { zone: zone as string };
        } catch (error) {
          issue(['zone'], isOrdoError(error) ? error.message : 'Expected an IANA zone such as "Asia/Shanghai"');
        }
      }
      field = { ...base, typed: true, compare: (s, t) => compareInstants(s, t, limit, options) };
      break;
    }
    case 'text': {
      const flags = ['trim', 'caseInsensitive', 'widthInsensitive'].map((key) => {
        const value = spec[key];
        if (value !== undefined && typeof value !== 'boolean') issue([key], 'Expected true or false');
        return value;
      });
      const normalise = textNormaliser(flags[0] !== false, flags[1] === true, flags[2] === true);
      field = { ...base, typed: false, compare: (s, t) => (typeof s !== 'string' || typeof t !== 'string' ? (deepEqual(s, t) ? undefined : MISMATCH) : normalise(s) === normalise(t) ? undefined : MISMATCH) };
      break;
    }
    case 'status': {
      const sides = (['source', 'target'] as const).map((side) => {
        const dictionary = spec[side];
        if (dictionary !== undefined && !isStatusDictionary(dictionary)) issue([side], 'Expected a status dictionary made by defineStatusDictionary');
        return isStatusDictionary(dictionary) ? dictionary : undefined;
      });
      const [source, target] = sides.map((dictionary) => (dictionary === undefined ? undefined : statusTable(dictionary)));
      // Codes are shown as sent when they read as codes (at most 6 digits), like any untyped text.
      field = { ...base, typed: false, compare: (s, t) => compareStatuses(s, t, source, target) };
      break;
    }
    case 'set':
      field = { ...base, typed: false, compare: compareSets };
      break;
    case 'lines': {
      const key = spec['key'];
      if (typeof key !== 'string' || key === '') issue(['key'], 'Expected the property that identifies an element, e.g. "lineId"');
      const inner = compileSpecNode({ fields: spec['fields'] ?? {}, others: spec['others'] ?? parentOthers, ignore: spec['ignore'] ?? [], severity: base.severity }, at, issues);
      if (inner !== undefined && typeof key === 'string') field = { ...base, typed: false, nested: (s, t, path, out, ignores) => compareLines(field as CompiledField, inner, key, s, t, path, out, ignores) };
      break;
    }
  }
  return issues.length > before ? undefined : field;
}

// ---------------------------------------------------------------------------------------------
// Comparators

const MISMATCH: Found = { kind: 'mismatch' };

function unreadable(detail: string): Found {
  return { kind: 'unreadable', detail };
}

function compareNumbers(s: unknown, t: unknown, tolerance: number): Found {
  if (typeof s !== 'number' || !Number.isFinite(s)) return unreadable('source is not a finite number');
  if (typeof t !== 'number' || !Number.isFinite(t)) return unreadable('target is not a finite number');
  const off = Math.abs(s - t);
  return off <= tolerance ? undefined : { kind: 'mismatch', detail: `differ by ${off}${tolerance > 0 ? `, tolerance ${tolerance}` : ''}` };
}

/** The amount of a money value (and its currency in `read.currency`), or why it is not money. */
function readMoney(value: unknown, currency: string | undefined, read: { currency: string | undefined }): number | string {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const amount = (value as Record<string, unknown>)['amount'];
    const code = (value as Record<string, unknown>)['currency'];
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || typeof code !== 'string') return 'not money { amount: integer minor units, currency }';
    read.currency = code;
    return amount;
  }
  read.currency = currency;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : 'a float is not money: send integer minor units';
  if (typeof value === 'string') {
    if (currency === undefined) return 'decimal text needs the field\'s currency';
    try {
      return parseMoney(value, currency).amount;
    } catch (error) {
      return isOrdoError(error) ? error.message : 'not a decimal amount';
    }
  }
  return `not money (${describeInput(value)})`;
}

function compareMoney(s: unknown, t: unknown, tolerance: number, currency: string | undefined, left: { currency: string | undefined }, right: { currency: string | undefined }): Found {
  const a = readMoney(s, currency, left);
  if (typeof a === 'string') return unreadable(`source: ${a}`);
  const b = readMoney(t, currency, right);
  if (typeof b === 'string') return unreadable(`target: ${b}`);
  if (left.currency !== right.currency) return { kind: 'mismatch', detail: `currencies differ: ${left.currency ?? '(none)'} vs ${right.currency ?? '(none)'}` };
  const off = Math.abs(a - b);
  return off <= tolerance ? undefined : { kind: 'mismatch', detail: `differ by ${off} minor units${tolerance > 0 ? `, tolerance ${tolerance}` : ''}` };
}

function readInstant(value: unknown, options: { zone?: string }): number | string {
  if (typeof value === 'string') {
    // Text with an offset (the usual case) is read without building an Instant.
    const millis = parseOffsetDateTime(value);
    if (millis !== null) return millis;
  } else if (typeof value !== 'number') return `not an instant (${describeInput(value)})`;
  try {
    return Date.parse(parseInstant(value, options));
  } catch (error) {
    return isOrdoError(error) ? error.message : 'not an instant';
  }
}

function compareInstants(s: unknown, t: unknown, tolerance: number, options: { zone?: string }): Found {
  const a = readInstant(s, options);
  if (typeof a === 'string') return unreadable(`source: ${a}`);
  const b = readInstant(t, options);
  if (typeof b === 'string') return unreadable(`target: ${b}`);
  const off = Math.abs(a - b);
  return off <= tolerance ? undefined : { kind: 'mismatch', detail: `differ by ${formatMillis(off)}${tolerance > 0 ? `, tolerance ${formatMillis(tolerance)}` : ''}` };
}

function formatMillis(millis: number): string {
  if (millis % 3_600_000 === 0) return `${millis / 3_600_000} h`;
  if (millis % 60_000 === 0) return `${millis / 60_000} min`;
  if (millis % 1000 === 0) return `${millis / 1000} s`;
  return `${millis} ms`;
}

function textNormaliser(trim: boolean, caseInsensitive: boolean, widthInsensitive: boolean): (text: string) => string {
  return (text) => {
    let out = widthInsensitive ? text.normalize('NFKC') : text;
    if (trim) out = out.trim().replace(/\s+/g, ' ');
    if (caseInsensitive) out = out.toLowerCase();
    return out;
  };
}

/** A dictionary as lookups that allocate nothing: code to status, status to its projection. */
interface StatusTable {
  readonly dictionary: StatusDictionary<string>;
  readonly read: ReadonlyMap<string, string>;
  readonly projection: ReadonlyMap<string, string | undefined>;
}

function statusTable(dictionary: StatusDictionary<string>): StatusTable {
  return {
    dictionary,
    read: new Map(dictionary.codes.map((code) => [code, dictionary.toCanonical(code)])),
    projection: new Map(dictionary.statuses.map((status) => [status, dictionary.project(status)])),
  };
}

function readStatus(value: unknown, table: StatusTable | undefined, side: string): string | Found {
  if (table === undefined) return typeof value === 'string' ? value : unreadable(`${side}: not a status (${describeInput(value)})`);
  const status = typeof value === 'string' ? table.read.get(value) : typeof value === 'number' ? table.read.get(String(value)) : undefined;
  if (status !== undefined) return status;
  const result = table.dictionary.readCode(value);
  return result.ok ? result.value : unreadable(`${side}: ${result.error.message}`);
}

function compareStatuses(s: unknown, t: unknown, source: StatusTable | undefined, target: StatusTable | undefined): Found {
  const a = readStatus(s, source, 'source');
  if (typeof a !== 'string') return a;
  const b = readStatus(t, target, 'target');
  if (typeof b !== 'string') return b;
  if (a === b) return undefined;
  if ((target !== undefined && target.projection.get(a) === b) || (source !== undefined && source.projection.get(b) === a)) return undefined;
  return { kind: 'mismatch', detail: `${a} vs ${b}` };
}

function compareSets(s: unknown, t: unknown): Found {
  if (!Array.isArray(s)) return unreadable('source is not an array');
  if (!Array.isArray(t)) return unreadable('target is not an array');
  let missing = 0;
  let extra = 0;
  if (s.length * t.length <= 64) {
    // Small sets (tags, flags): scanning beats building two Sets.
    for (let i = 0; i < s.length; i += 1) if (!t.includes(s[i]) && s.indexOf(s[i]) === i) missing += 1;
    for (let i = 0; i < t.length; i += 1) if (!s.includes(t[i]) && t.indexOf(t[i]) === i) extra += 1;
  } else {
    const left = new Set(s);
    const right = new Set(t);
    for (const item of left) if (!right.has(item)) missing += 1;
    for (const item of right) if (!left.has(item)) extra += 1;
  }
  if (missing === 0 && extra === 0) return undefined;
  return { kind: 'mismatch', detail: `${missing} missing in target, ${extra} only in target` };
}

/**
 * The ignore paths that reach below one keyed element: the outer spec's (`lines.*.syncedAt`,
 * advanced past `lines` already) past the element's key, plus the lines field's own. `null` when
 * the whole element is ignored.
 */
function elementIgnores(inner: CompiledSpec, outer: IgnoreNode[] | undefined, id: string): IgnoreNode[] | undefined | null {
  if (outer === undefined) return inner.rootIgnores;
  const next: IgnoreNode[] = inner.rootIgnores === undefined ? [] : [...inner.rootIgnores];
  for (const node of outer) {
    for (const child of [node.children.get(id), node.children.get('*')]) {
      if (child === undefined) continue;
      if (child.end) return null;
      next.push(child);
    }
  }
  return next.length === 0 ? undefined : next;
}

function compareLines(field: CompiledField, inner: CompiledSpec, key: string, s: unknown, t: unknown, path: (string | number)[], out: Out, outer?: IgnoreNode[]): void {
  if (!Array.isArray(s) || !Array.isArray(t)) {
    emit(field, 'unreadable', s, t, path, out, `${Array.isArray(s) ? 'target' : 'source'} is not an array`);
    return;
  }
  const left = indexLines(field, key, s, 'source', path, out);
  const right = indexLines(field, key, t, 'target', path, out);
  for (let i = 0; i < left.ids.length; i += 1) {
    const id = left.ids[i] as string;
    const j = right.ids.indexOf(id);
    const ignores = elementIgnores(inner, outer, id);
    if (ignores === null) continue;
    if (j === -1) emit(field, 'missing_in_target', id, undefined, [...path, id], out);
    else walk(inner, inner.root, ignores, left.items[i], right.items[j], [...path, id], out);
  }
  for (const id of right.ids) if (!left.ids.includes(id) && elementIgnores(inner, outer, id) !== null) emit(field, 'missing_in_source', undefined, id, [...path, id], out);
}

/** Elements by key, first occurrence kept; duplicates and elements without a key are reported. Orders have few lines: lists beat maps. */
function indexLines(field: CompiledField, key: string, items: unknown[], side: 'source' | 'target', path: (string | number)[], out: Out): { ids: string[]; items: unknown[] } {
  const ids: string[] = [];
  const kept: unknown[] = [];
  const seen = items.length > 32 ? new Set<string>() : undefined;
  for (let position = 0; position < items.length; position += 1) {
    const item = items[position];
    const id = isPlainObject(item) ? own(item, key) : undefined;
    if (typeof id !== 'string' && typeof id !== 'number') {
      emit(field, 'unreadable', side === 'source' ? item : undefined, side === 'target' ? item : undefined, [...path, position], out, `${side} element ${position} has no ${key}`);
      continue;
    }
    const name = String(id);
    if (seen === undefined ? ids.includes(name) : seen.has(name)) {
      emit(field, 'duplicate_key', side === 'source' ? name : undefined, side === 'target' ? name : undefined, [...path, name], out, `${key} ${name} appears twice in ${side}`);
      continue;
    }
    seen?.add(name);
    ids.push(name);
    kept.push(item);
  }
  return { ids, items: kept };
}
