// Turns zod errors into Ordo validation issues, keeping the kit's own issue codes.
import type { ZodError } from 'zod';
import type { ValidationIssue } from '../errors/validation-error.js';

/** @internal zod issues as {@link ValidationIssue}s; a custom issue's `params.code` becomes its code. */
export function issuesFromZod(error: ZodError): ValidationIssue[] {
  return error.issues.map((issue) => {
    const params = (issue as { params?: { code?: unknown } }).params;
    const code = issue.code === 'custom' && typeof params?.code === 'string' ? params.code : issue.code;
    return {
      code,
      path: issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
      message: issue.message,
    };
  });
}
