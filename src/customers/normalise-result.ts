// The result shape every customer normaliser returns: a value, or a stable reason why not.

/** A normaliser's verdict: the normalised value, or a stable reason code and a masked message. */
export type NormaliseResult<T, R extends string = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: R; readonly message: string };

/** @internal Builds a success. */
export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

/** @internal Builds a failure; `message` must already be masked. */
export function fail<R extends string>(reason: R, message: string): { readonly ok: false; readonly reason: R; readonly message: string } {
  return { ok: false, reason, message };
}
