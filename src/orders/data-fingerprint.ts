// A fingerprint of plain data: canonical JSON (keys sorted) hashed to 64 bits, with limits on size
// and depth, and an issue (never a throw) for anything that is not a JSON value.
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
  const issues: ValidationIssue[] = [];
  const canonical = canonicalJson(value, [], 0, { nodes: 0 }, issues, limits);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, fingerprint: fingerprintOf(canonical) };
}

/** JSON with sorted keys; records an issue for anything that is not a JSON value. */
function canonicalJson(value: unknown, path: Path, depth: number, budget: { nodes: number }, issues: ValidationIssue[], limits: DataLimits): string {
  if (issues.length >= 20) return '';
  switch (typeof value) {
    case 'string':
      if (value.length > limits.stringLength) {
        issues.push({ code: 'too_big', path, message: `A string has at most ${limits.stringLength} characters` });
      } else if (value.includes('\u0000')) {
        issues.push({ code: 'invalid_string', path, message: 'A string may not contain a NUL character (\\u0000): no database stores it' });
      }
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) issues.push({ code: 'invalid_type', path, message: 'Expected a finite number' });
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth > limits.depth) {
        issues.push({ code: 'too_deep', path, message: `Data nests at most ${limits.depth} levels` });
        return '';
      }
      if (Array.isArray(value)) {
        budget.nodes += value.length;
        if (budget.nodes > limits.nodes) {
          issues.push({ code: 'too_big', path, message: `Data holds at most ${limits.nodes} values` });
          return '';
        }
        return `[${value.map((item, i) => canonicalJson(item, [...path, i], depth + 1, budget, issues, limits)).join(',')}]`;
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype !== Object.prototype && prototype !== null) {
        issues.push({ code: 'invalid_type', path, message: 'Expected plain data (an object literal), not a class instance' });
        return '';
      }
      const keys = Object.keys(value).sort();
      budget.nodes += keys.length;
      if (budget.nodes > limits.nodes) {
        issues.push({ code: 'too_big', path, message: `Data holds at most ${limits.nodes} values` });
        return '';
      }
      const parts: string[] = [];
      for (const key of keys) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue;
        parts.push(`${JSON.stringify(key)}:${canonicalJson(item, [...path, key], depth + 1, budget, issues, limits)}`);
      }
      return `{${parts.join(',')}}`;
    }
    case 'undefined':
      return 'null';
    default:
      issues.push({ code: 'invalid_type', path, message: `Expected a JSON value, got a ${typeof value}` });
      return '';
  }
}

/** Two independent 32-bit FNV-1a hashes over the UTF-16 units: 64 bits, as 16 hex digits. */
function fingerprintOf(text: string): string {
  let a = 0x811c9dc5;
  let b = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193) >>> 0;
    b = Math.imul(b ^ unit, 0x01000193 + 2 * 0x10000) >>> 0;
    b = (b ^ (b >>> 15)) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
