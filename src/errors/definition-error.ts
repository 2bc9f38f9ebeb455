// A machine or policy definition with problems, all listed at once so they can be fixed together.
import { OrdoError, type OrdoErrorOptions } from './ordo-error.js';

/** One problem in a definition. */
export interface DefinitionProblem {
  /** A short machine-readable kind, e.g. `unknown_target`, `unreachable_status`. */
  readonly code: string;
  /** Where in the definition, e.g. `['events', 'ship', 'transitions', 0, 'to']`. */
  readonly path: readonly (string | number)[];
  /** What is wrong, for people. */
  readonly message: string;
}

/** Thrown when a definition (e.g. `createOrderMachine(definition)`) is invalid. */
export class DefinitionError extends OrdoError<'INVALID_MACHINE_DEFINITION'> {
  /** Every problem found. */
  readonly problems: readonly DefinitionProblem[];

  constructor(subject: string, problems: readonly DefinitionProblem[], options: OrdoErrorOptions = {}) {
    const list = problems.map((p) => `- ${p.path.join('.') || '(root)'}: ${p.message}`).join('\n');
    super('INVALID_MACHINE_DEFINITION', `Invalid ${subject} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${list}`, options);
    this.name = 'DefinitionError';
    this.problems = Object.freeze([...problems]);
  }
}

/** True for a {@link DefinitionError}, also across realms. */
export function isDefinitionError(value: unknown): value is DefinitionError {
  return value instanceof DefinitionError || (value as { name?: unknown } | null)?.name === 'DefinitionError';
}
