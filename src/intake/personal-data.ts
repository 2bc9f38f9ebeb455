// Finds personal data in a channel payload so that reasons and issue messages can mask it.
import { maskPersonalData, type PersonalDataKind } from '../errors/mask.js';

// Field names channels use for buyers, receivers and their contacts (Tmall, JD, Douyin, PDD, WeChat, POS).
const KINDS: readonly (readonly [RegExp, PersonalDataKind])[] = [
  [/mobile|phone|tel/i, 'phone'],
  [/e-?mail/i, 'email'],
  [/id_?card|id_?no|identity/i, 'idNumber'],
  [/addr|street|^detail$|detail_?info/i, 'address'],
  [/(buyer|receiver|consignee|recipient|user|full|member|contact)_?name|receiver|consignee|recipient|nick/i, 'name'],
];

/**
 * @internal The masker for one payload: every personal string found in it, masked wherever it
 * appears. The payload is only walked when a message is first masked: most payloads never need it.
 */
export function createPayloadMasker(payload: unknown): (text: string) => string {
  let masker: ((text: string) => string) | undefined;
  return (text) => {
    masker ??= buildMasker(payload);
    return masker(text);
  };
}

function buildMasker(payload: unknown): (text: string) => string {
  const found = new Map<string, PersonalDataKind>();
  const walk = (value: unknown, kind: PersonalDataKind | undefined, depth: number): void => {
    if (depth > 8) return;
    if (typeof value === 'string') {
      if (kind !== undefined && value.trim().length >= 2) found.set(value, kind);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value.slice(0, 200)) walk(item, kind, depth + 1);
      return;
    }
    for (const [key, child] of Object.entries(value).slice(0, 200)) {
      const match = KINDS.find(([pattern]) => pattern.test(key));
      walk(child, match ? match[1] : kind, depth + 1);
    }
  };
  try {
    walk(payload, undefined, 0);
  } catch {
    // A hostile payload (throwing getters, proxies) must not break ingest; mask what was found.
  }
  if (found.size === 0) return (text) => text;
  // Longest first, so an address is masked before a name it contains.
  const entries = [...found].sort((a, b) => b[0].length - a[0].length);
  return (text) => {
    let out = text;
    for (const [value, kind] of entries) if (out.includes(value)) out = out.split(value).join(maskPersonalData(value, kind));
    return out;
  };
}
