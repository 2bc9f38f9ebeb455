// A fingerprint of plain data (keys in sorted order, so key order does not matter) hashed to 64
// bits as it is walked, with limits on size and depth, and an issue (never a throw) for anything
// that is not a JSON value.
import type { ValidationIssue } from '../errors/validation-error.js';

/** Bounds on the data a fingerprint reads. */
export interface DataLimits {
  /** Characters of any one string. */
  readonly stringLength: number;
  /** Nesting of objects and arrays. */
  readonly depth: number;
  /** Keys and array items in the whole value. */
  readonly nodes: number;
}

type Path = (string | number)[];

/**
 * The fingerprint of `value` (16 hex digits; equal for equal data whatever the key order), or
 * the issues that make it not plain JSON data within `limits`. Throws only what a getter or a
 * proxy trap of `value` throws.
 */
export function fingerprintData(value: unknown, limits: DataLimits): { readonly ok: true; readonly fingerprint: string } | { readonly ok: false; readonly issues: readonly ValidationIssue[] } {
  // The fast path hashes as it walks, with no string and no path built: it runs on every
  // transition. Anything unusual sends the value to the slow path, which names each problem.
  state[0] = 0x811c9dc5;
  state[1] = 0xcbf29ce4;
  nodes = 0;
  if (hashWalk(value, 0, limits)) return { ok: true, fingerprint: hex32(state[0] as number) + hex32(state[1] as number) };
  const issues: ValidationIssue[] = [];
  collectIssues(value, [], 0, { nodes: 0 }, issues, limits);
  // The walks agree on what is valid; should they ever not, refuse rather than hash half a value.
  return { ok: false, issues: issues.length > 0 ? issues : [{ code: 'invalid_type', path: [], message: 'Expected plain JSON data' }] };
}

// Two 32-bit FNV-1a style accumulators (64 bits together), in a typed array: stores to it stay
// cheap where module-level variables would not. The walk is synchronous, never re-entered.
const state = new Uint32Array(2);
let nodes = 0;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Eight hex digits; a table lookup per byte (toString(16) with padStart cost more than the hash). */
function hex32(n: number): string {
  return (HEX[n >>> 24] as string) + (HEX[(n >>> 16) & 0xff] as string) + (HEX[(n >>> 8) & 0xff] as string) + (HEX[n & 0xff] as string);
}

function mix(code: number): void {
  state[0] = Math.imul((state[0] as number) ^ code, 0x01000193);
  const b = Math.imul((state[1] as number) ^ code, 0x01020193) >>> 0;
  state[1] = b ^ (b >>> 15);
}

/** Mixes a string in; false when it holds a NUL character. */
function mixString(text: string): boolean {
  let a = state[0] as number;
  let b = state[1] as number;
  const length = text.length;
  for (let i = -2; i < length; i++) {
    // A quote mark and the length first, so "ab","c" and "a","bc" hash apart.
    const code = i === -2 ? 0x22 : i === -1 ? length : text.charCodeAt(i);
    if (code === 0 && i >= 0) return false;
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x01020193) >>> 0;
    b = b ^ (b >>> 15);
  }
  state[0] = a;
  state[1] = b;
  return true;
}

/** Hashes `value` (keys in sorted order); false at the first thing that is not plain JSON data within the limits. */
function hashWalk(value: unknown, depth: number, limits: DataLimits): boolean {
  switch (typeof value) {
    case 'string':
      return value.length <= limits.stringLength && mixString(value);
    case 'number': {
      if (!Number.isFinite(value)) return false;
      mix(0x6e);
      if (Number.isInteger(value) && Math.abs(value) < 0x40000000) mix(value | 0);
      else mixString(String(value));
      return true;
    }
    case 'boolean':
      mix(value ? 0x74 : 0x66);
      return true;
    case 'undefined':
      mix(0x75);
      return true;
    case 'object': {
      if (value === null) {
        mix(0x30);
        return true;
      }
      if (depth > limits.depth) return false;
      if (Array.isArray(value)) {
        nodes += value.length;
        if (nodes > limits.nodes) return false;
        mix(0x5b);
        mix(value.length);
        for (let i = 0; i < value.length; i++) if (!hashWalk(value[i], depth + 1, limits)) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) return false;
      const keys = Object.keys(value);
      nodes += keys.length;
      if (nodes > limits.nodes) return false;
      if (keys.length > 1) keys.sort();
      mix(0x7b);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        const item = (value as Record<string, unknown>)[key];
        // An undefined property is absent, as JSON has it.
        if (item === undefined) continue;
        if (!mixString(key) || !hashWalk(item, depth + 1, limits)) return false;
      }
      mix(0x7d);
      return true;
    }
    default:
      return false;
  }
}

/**
 * The slow path: walks what {@link hashWalk} refused and names every problem with its path (up
 * to 20). It judges exactly as the fast walk does, keys included.
 */
function collectIssues(value: unknown, path: Path, depth: number, budget: { nodes: number }, issues: ValidationIssue[], limits: DataLimits): void {
  if (issues.length >= 20) return;
  switch (typeof value) {
    case 'string':
      if (value.length > limits.stringLength) {
        issues.push({ code: 'too_big', path, message: `A string has at most ${limits.stringLength} characters` });
      } else if (value.includes('\u0000')) {
        issues.push({ code: 'invalid_string', path, message: 'A string may not contain a NUL character (\\u0000): no database stores it' });
      }
      return;
    case 'number':
      if (!Number.isFinite(value)) issues.push({ code: 'invalid_type', path, message: 'Expected a finite number' });
      return;
    case 'boolean':
    case 'undefined':
      return;
    case 'object': {
      if (value === null) return;
      if (depth > limits.depth) {
        issues.push({ code: 'too_deep', path, message: `Data nests at most ${limits.depth} levels` });
        return;
      }
      if (Array.isArray(value)) {
        budget.nodes += value.length;
        if (budget.nodes > limits.nodes) {
          issues.push({ code: 'too_big', path, message: `Data holds at most ${limits.nodes} values` });
          return;
        }
        value.forEach((item, i) => collectIssues(item, [...path, i], depth + 1, budget, issues, limits));
        return;
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) {
        issues.push({ code: 'invalid_type', path, message: 'Expected plain data (an object literal), not a class instance' });
        return;
      }
      const keys = Object.keys(value).sort();
      budget.nodes += keys.length;
      if (budget.nodes > limits.nodes) {
        issues.push({ code: 'too_big', path, message: `Data holds at most ${limits.nodes} values` });
        return;
      }
      for (const key of keys) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue;
        if (key.includes('\u0000')) issues.push({ code: 'invalid_string', path: [...path, key], message: 'A key may not contain a NUL character (\\u0000): no database stores it' });
        else collectIssues(item, [...path, key], depth + 1, budget, issues, limits);
      }
      return;
    }
    default:
      issues.push({ code: 'invalid_type', path, message: `Expected a JSON value, got a ${typeof value}` });
  }
}
