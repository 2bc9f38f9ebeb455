// The sync module's face: status dictionaries, the field diff and its alert monitor; pure.
export { defineStatusDictionary, isStatusDictionary } from './status-dictionary.js';
export type { StatusDictionary, StatusDictionaryConfig } from './status-dictionary.js';
export { EXAMPLE_WMS_STATUSES } from './seed-dictionaries.js';
export { DIFF_SEVERITIES, DIFF_COMPARATORS, DIFFERENCE_KINDS, compileDiffSpec, diffRecords } from './record-diff.js';
export type {
  DiffSeverity,
  DiffComparatorType,
  DiffFieldSpec,
  DiffSpecInput,
  DiffSpec,
  DifferenceKind,
  FieldDifference,
  RecordDiff,
  ExactField,
  NumberField,
  MoneyField,
  InstantField,
  TextField,
  StatusField,
  SetField,
  LinesField,
} from './record-diff.js';
export { createDiffMonitor } from './diff-monitor.js';
export type { DiffThreshold, DiffAlertEvent, ActiveDiffAlert, DiffObservation, DiffMonitor } from './diff-monitor.js';
export { DEAD_LETTER_REASONS, STANDARD_WEBHOOKS_SCHEDULE, compileRetryPolicy, decideRetry } from '../tasks/retry-policy.js';
export type { RetryPolicyInput, RetryPolicy, RetryDecision, DeadLetterReason, FailedAttempt } from '../tasks/retry-policy.js';
export { defineRecurringSchedule } from '../tasks/recurring-schedule.js';
export type { RecurringScheduleInput, RecurringSchedule } from '../tasks/recurring-schedule.js';
