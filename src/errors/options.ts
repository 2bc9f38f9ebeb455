// Options given to a factory, checked one way everywhere: a zod schema, and INVALID_OPTIONS with
// every problem at its path.
import { z } from 'zod';
import { ValidationError } from './validation-error.js';

/** The pieces options schemas are built from, so every factory words the same rule the same way. */
export const option: {
  positiveInt: () => z.ZodNumber;
  nonNegativeInt: () => z.ZodNumber;
  text: () => z.ZodString;
  url: (protocols: readonly string[], example: string) => z.ZodString;
  fn: <T>() => z.ZodCustom<T, T>;
  withMethods: <T>(what: string, ...methods: readonly string[]) => z.ZodCustom<T, T>;
} = {
  /** A whole number from 1. */
  positiveInt: () => z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** A whole number from 0. */
  nonNegativeInt: () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** A string with something in it. */
  text: () => z.string().trim().min(1, 'Expected a non-empty string'),
  /**
   * A URL with one of these schemes (`['amqp:', 'amqps:']`), so a wrong server kind (`http://`
   * where a broker is meant) or a string that is no URL is refused at construction. The message
   * never repeats the value: it may hold a password.
   */
  url: (protocols: readonly string[], example: string) =>
    option.text().refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `Expected a ${protocols.map((p) => `${p}//`).join(' or ')} URL such as ${example}`),
  /** A function. */
  fn: <T>() => z.custom<T>((value) => typeof value === 'function', 'Expected a function'),
  /**
   * An object with these methods (dotted paths: `outbox.claim`), e.g. a port or a clock; `what`
   * names it in the message.
   */
  withMethods: <T>(what: string, ...methods: readonly string[]) =>
    z.custom<T>(
      (value) =>
        methods.every((path) => {
          let target: unknown = value;
          for (const key of path.split('.')) target = typeof target === 'object' && target !== null ? (target as Record<string, unknown>)[key] : undefined;
          return typeof target === 'function';
        }),
      `Expected ${what}`,
    ),
};

/**
 * Parses a factory's options with `schema` (a `z.strictObject`, so a misspelt option is caught).
 * @throws ValidationError `INVALID_OPTIONS` listing every problem with the option's path.
 */
export function parseOptions<S extends z.ZodType>(subject: string, schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw ValidationError.fromZod(subject, parsed.error, 'INVALID_OPTIONS');
}
