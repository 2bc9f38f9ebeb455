// A status code that a system's dictionary cannot translate, in either direction.
import { quoteCode } from './mask.js';
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** `UNKNOWN_STATUS_CODE`: the code (or canonical status) is not in the dictionary; `UNMAPPED_STATUS`: it is, marked as having no code. */
export type StatusCodeErrorCode = 'UNKNOWN_STATUS_CODE' | 'UNMAPPED_STATUS';

/** `inbound`: a system's code to a canonical status; `outbound`: a canonical status to the system's code. */
export type StatusDirection = 'inbound' | 'outbound';

/**
 * Thrown when a status cannot be translated: never a default. `details` holds the system, the
 * direction and the code as sent (quoted only when it looks like a code, see {@link quoteCode}).
 *
 * @example
 * wms.toCanonical('SHIPPD') // throws StatusCodeError UNKNOWN_STATUS_CODE: Unknown wms status code "SHIPPD" ...
 */
export class StatusCodeError extends OrdoError<StatusCodeErrorCode> {
  /** The external system whose dictionary was asked, e.g. `wms`. */
  readonly system: string;
  readonly direction: StatusDirection;

  constructor(code: StatusCodeErrorCode, fields: { system: string; direction: StatusDirection; value: unknown; known: readonly string[] }, options: OrdoErrorOptions = {}) {
    const quoted = quoteCode(fields.value);
    const known = fields.known.length > 12 ? `${fields.known.slice(0, 12).join(', ')}, …` : fields.known.join(', ');
    const message =
      code === 'UNMAPPED_STATUS'
        ? `${fields.system} has no code for canonical status ${quoted}: its dictionary marks it unmapped, so Ordo cannot send it there`
        : fields.direction === 'inbound'
          ? `Unknown ${fields.system} status code ${quoted}: add it to the ${fields.system} status dictionary (known codes: ${known}); no default is assumed`
          : `Unknown canonical status ${quoted} for ${fields.system}: its dictionary maps ${known}`;
    super(code, message, { ...options, details: { system: fields.system, direction: fields.direction, code: quoted, ...options.details } });
    this.name = 'StatusCodeError';
    this.system = fields.system;
    this.direction = fields.direction;
  }
}

/** True for a {@link StatusCodeError}, also across realms. */
export function isStatusCodeError(value: unknown): value is StatusCodeError {
  return value instanceof StatusCodeError || (value as { name?: unknown } | null)?.name === 'StatusCodeError';
}
