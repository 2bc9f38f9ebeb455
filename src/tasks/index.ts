// The tasks module (`ordo/tasks`): when deferred work runs again (retry policies) and when recurring
// work is due (zoned schedules). Pure; the task worker that runs tasks is in the application layer.
export { DEAD_LETTER_REASONS, STANDARD_WEBHOOKS_SCHEDULE, compileRetryPolicy, decideRetry } from './retry-policy.js';
export type { RetryPolicyInput, RetryPolicy, RetryDecision, DeadLetterReason, FailedAttempt } from './retry-policy.js';
export { defineRecurringSchedule } from './recurring-schedule.js';
export type { RecurringScheduleInput, RecurringSchedule } from './recurring-schedule.js';
