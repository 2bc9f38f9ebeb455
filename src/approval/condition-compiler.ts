// Turns a checked condition tree into small synchronous functions, built once per policy.
import { MoneyError } from '../errors/money-error.js';
import { ValidationError } from '../errors/validation-error.js';
import type { Money } from '../money/money.js';
import type { ConditionOperator, FactType, MissingFactPolicy } from './policy-schema.js';

/** Facts as evaluation reads them: a flat record keyed by dotted fact names. */
export type Facts = Readonly<Record<string, unknown>>;

/** Three-valued truth: false, true, or unknown because a needed fact is missing. */
export type Truth = 0 | 1 | 2;
/** @internal */
export const FALSE = 0;
/** @internal */
export const TRUE = 1;
/** @internal */
export const UNKNOWN = 2;

/** @internal Per-policy scratch space, reused by every (synchronous, non-reentrant) evaluation. */
export interface Scratch {
  /** The first missing fact met while evaluating the current rule. */
  missing: string | null;
}

/** @internal A compiled condition function. */
export type ConditionFn = (facts: Facts, scratch: Scratch) => Truth;

/** @internal A compiled node: the function plus what the explanation needs to say about it. */
export type CompiledNode =
  | {
      readonly kind: 'leaf';
      readonly path: readonly (string | number)[];
      readonly fn: ConditionFn;
      readonly fact: string;
      readonly factType: FactType;
      readonly operator: ConditionOperator;
      readonly value: unknown;
      /** Tests a present, well-typed value. Throws `CURRENCY_MISMATCH` for money of another currency. */
      readonly test: (value: unknown) => boolean;
    }
  | {
      readonly kind: 'all' | 'any';
      readonly path: readonly (string | number)[];
      readonly fn: ConditionFn;
      readonly children: readonly CompiledNode[];
    }
  | {
      readonly kind: 'not';
      readonly path: readonly (string | number)[];
      readonly fn: ConditionFn;
      readonly child: CompiledNode;
    };

/** @internal A leaf as checked by the compiler, with its literal already validated. */
export interface LeafSpec {
  readonly fact: string;
  readonly factType: FactType;
  readonly operator: ConditionOperator;
  readonly value: unknown;
  readonly path: readonly (string | number)[];
  readonly ruleId: string;
}

/** True when a fact value counts as missing. NaN counts too: a ratio of nothing is not a number. */
export function isMissingValue(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'number' && value !== value);
}

/** True when a present value has the declared type. */
export function hasFactType(value: unknown, type: FactType): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'money':
      return (
        typeof value === 'object' &&
        value !== null &&
        typeof (value as Money).amount === 'number' &&
        typeof (value as Money).currency === 'string'
      );
    case 'string[]':
      return Array.isArray(value);
  }
}

function badFact(fact: string, type: FactType): never {
  throw new ValidationError('approval facts', [
    { code: 'invalid_type', path: [fact], message: `Expected fact "${fact}" to be ${type === 'money' ? 'money { amount, currency }' : `a ${type}`}` },
  ]);
}

function currencyMismatch(spec: LeafSpec, actual: string, required: string): never {
  throw new MoneyError(
    'CURRENCY_MISMATCH',
    `Rule "${spec.ruleId}" compares ${spec.fact} in ${actual} with an amount in ${required}: add a condition on order.currency before it or convert the amount`,
    { details: { ruleId: spec.ruleId, fact: spec.fact, left: actual, right: required } },
  );
}

/** Builds the value test of one leaf; the literal has been validated against the fact's type. */
export function buildTest(spec: LeafSpec): (value: unknown) => boolean {
  const { operator, factType, value } = spec;
  if (factType === 'money') {
    const money = (literal: unknown): Money => literal as Money;
    const amountOf = (v: unknown, required: Money): number => {
      const m = v as Money;
      if (m.currency !== required.currency) currencyMismatch(spec, m.currency, required.currency);
      return m.amount;
    };
    if (operator === 'between') {
      const [low, high] = value as [Money, Money];
      return (v) => {
        const amount = amountOf(v, low);
        return amount >= low.amount && amount <= high.amount;
      };
    }
    const required = money(value);
    const bound = required.amount;
    switch (operator) {
      case 'eq':
        return (v) => amountOf(v, required) === bound;
      case 'ne':
        return (v) => amountOf(v, required) !== bound;
      case 'lt':
        return (v) => amountOf(v, required) < bound;
      case 'lte':
        return (v) => amountOf(v, required) <= bound;
      case 'gt':
        return (v) => amountOf(v, required) > bound;
      case 'gte':
        return (v) => amountOf(v, required) >= bound;
      default:
        break;
    }
  }
  if (factType === 'string[]') {
    if (operator === 'contains') {
      const needle = value as string;
      return (v) => (v as readonly unknown[]).includes(needle);
    }
  }
  switch (operator) {
    case 'eq':
      return (v) => v === value;
    case 'ne':
      return (v) => v !== value;
    case 'lt': {
      const bound = value as number;
      return (v) => (v as number) < bound;
    }
    case 'lte': {
      const bound = value as number;
      return (v) => (v as number) <= bound;
    }
    case 'gt': {
      const bound = value as number;
      return (v) => (v as number) > bound;
    }
    case 'gte': {
      const bound = value as number;
      return (v) => (v as number) >= bound;
    }
    case 'between': {
      const [low, high] = value as [number, number];
      return (v) => (v as number) >= low && (v as number) <= high;
    }
    case 'in':
    case 'notIn': {
      const list = value as readonly (string | number)[];
      const wanted = operator === 'in';
      // A Set only pays off past a handful of entries.
      if (list.length > 8) {
        const set = new Set<unknown>(list);
        return (v) => set.has(v) === wanted;
      }
      return (v) => list.includes(v as string | number) === wanted;
    }
    case 'contains': {
      const needle = value as string;
      return (v) => (v as string).includes(needle);
    }
    case 'matches': {
      const pattern = new RegExp(value as string, 'u');
      return (v) => pattern.test(v as string);
    }
    case 'exists':
      // Handled by the leaf itself: presence is the question, so absence is not "missing".
      return () => value === true;
  }
  throw new Error(`unreachable: ${operator} on ${factType}`);
}

/**
 * Builds the leaf function. Hot operators on numbers get their own closure so the common case
 * is one property read, one typeof and one comparison, with no further call.
 */
export function buildLeafFn(spec: LeafSpec, test: (value: unknown) => boolean, onMissing: MissingFactPolicy): ConditionFn {
  const name = spec.fact;
  const type = spec.factType;
  const missingResult: Truth = onMissing === 'treat-as-false' ? FALSE : UNKNOWN;
  const other = (v: unknown, scratch: Scratch): Truth => {
    if (isMissingValue(v)) {
      if (missingResult === UNKNOWN && scratch.missing === null) scratch.missing = name;
      return missingResult;
    }
    return badFact(name, type);
  };
  if (spec.operator === 'exists') {
    const wanted = spec.value === true;
    return (facts) => (isMissingValue(facts[name]) === wanted ? FALSE : TRUE);
  }
  if (type === 'number') {
    const bound = spec.value as number;
    switch (spec.operator) {
      case 'lt':
        return (facts, scratch) => {
          const v = facts[name];
          return typeof v === 'number' && v === v ? (v < bound ? TRUE : FALSE) : other(v, scratch);
        };
      case 'lte':
        return (facts, scratch) => {
          const v = facts[name];
          return typeof v === 'number' && v === v ? (v <= bound ? TRUE : FALSE) : other(v, scratch);
        };
      case 'gt':
        return (facts, scratch) => {
          const v = facts[name];
          return typeof v === 'number' && v === v ? (v > bound ? TRUE : FALSE) : other(v, scratch);
        };
      case 'gte':
        return (facts, scratch) => {
          const v = facts[name];
          return typeof v === 'number' && v === v ? (v >= bound ? TRUE : FALSE) : other(v, scratch);
        };
      default:
        return (facts, scratch) => {
          const v = facts[name];
          return typeof v === 'number' && v === v ? (test(v) ? TRUE : FALSE) : other(v, scratch);
        };
    }
  }
  if (type === 'money' && spec.operator !== 'between') {
    const required = spec.value as Money;
    const currency = required.currency;
    const bound = required.amount;
    const compare = (v: Money): boolean => {
      switch (spec.operator) {
        case 'eq':
          return v.amount === bound;
        case 'ne':
          return v.amount !== bound;
        case 'lt':
          return v.amount < bound;
        case 'lte':
          return v.amount <= bound;
        case 'gt':
          return v.amount > bound;
        default:
          return v.amount >= bound;
      }
    };
    const op = spec.operator;
    if (op === 'gt' || op === 'gte') {
      const strict = op === 'gt';
      return (facts, scratch) => {
        const v = facts[name] as Money | null | undefined;
        if (v === undefined || v === null || typeof v.amount !== 'number') return other(v, scratch);
        if (v.currency !== currency) currencyMismatch(spec, v.currency, currency);
        return (strict ? v.amount > bound : v.amount >= bound) ? TRUE : FALSE;
      };
    }
    return (facts, scratch) => {
      const v = facts[name] as Money | null | undefined;
      if (v === undefined || v === null || typeof v.amount !== 'number') return other(v, scratch);
      if (v.currency !== currency) currencyMismatch(spec, v.currency, currency);
      return compare(v) ? TRUE : FALSE;
    };
  }
  if (type === 'string' && (spec.operator === 'eq' || spec.operator === 'ne')) {
    const wanted = spec.value as string;
    const equal = spec.operator === 'eq' ? TRUE : FALSE;
    const unequal = spec.operator === 'eq' ? FALSE : TRUE;
    return (facts, scratch) => {
      const v = facts[name];
      return typeof v === 'string' ? (v === wanted ? equal : unequal) : other(v, scratch);
    };
  }
  return (facts, scratch) => {
    const v = facts[name];
    if (isMissingValue(v) || !hasFactType(v, type)) return other(v, scratch);
    return test(v) ? TRUE : FALSE;
  };
}

/** Kleene AND in order: a false child decides at once; an unknown one is remembered. */
export function buildAllFn(children: readonly ConditionFn[]): ConditionFn {
  if (children.length === 0) return () => TRUE;
  if (children.length === 1) return children[0] as ConditionFn;
  if (children.length === 2) {
    const [a, b] = children as [ConditionFn, ConditionFn];
    return (facts, scratch) => {
      const x = a(facts, scratch);
      if (x === FALSE) return FALSE;
      const y = b(facts, scratch);
      if (y === FALSE) return FALSE;
      return x === UNKNOWN || y === UNKNOWN ? UNKNOWN : TRUE;
    };
  }
  const list = [...children];
  const n = list.length;
  return (facts, scratch) => {
    let result: Truth = TRUE;
    for (let i = 0; i < n; i++) {
      const x = (list[i] as ConditionFn)(facts, scratch);
      if (x === FALSE) return FALSE;
      if (x === UNKNOWN) result = UNKNOWN;
    }
    return result;
  };
}

/** Kleene OR in order: a true child decides at once; an unknown one is remembered. */
export function buildAnyFn(children: readonly ConditionFn[]): ConditionFn {
  if (children.length === 0) return () => FALSE;
  if (children.length === 1) return children[0] as ConditionFn;
  if (children.length === 2) {
    const [a, b] = children as [ConditionFn, ConditionFn];
    return (facts, scratch) => {
      const x = a(facts, scratch);
      if (x === TRUE) return TRUE;
      const y = b(facts, scratch);
      if (y === TRUE) return TRUE;
      return x === UNKNOWN || y === UNKNOWN ? UNKNOWN : FALSE;
    };
  }
  const list = [...children];
  const n = list.length;
  return (facts, scratch) => {
    let result: Truth = FALSE;
    for (let i = 0; i < n; i++) {
      const x = (list[i] as ConditionFn)(facts, scratch);
      if (x === TRUE) return TRUE;
      if (x === UNKNOWN) result = UNKNOWN;
    }
    return result;
  };
}

/** Kleene NOT: unknown stays unknown. */
export function buildNotFn(child: ConditionFn): ConditionFn {
  return (facts, scratch) => {
    const x = child(facts, scratch);
    return x === UNKNOWN ? UNKNOWN : x === TRUE ? FALSE : TRUE;
  };
}
