// The clock module's face: injectable clocks, instants, wall times in zones, deadlines, calendars.
export { systemClock, createFixedClock, createOffsetClock, createManualClock, instant } from './clock.js';
export type { Clock, ManualClock } from './clock.js';
export {
  instantFromMillis,
  instantToMillis,
  isInstant,
  compareInstants,
  isBefore,
  isAfter,
  maxInstant,
  minInstant,
  durationToMillis,
  addDuration,
  millisBetween,
} from './instant.js';
export type { Instant, DurationInput } from './instant.js';
export {
  DISAMBIGUATIONS,
  localDateTime,
  addCalendarDays,
  toInstant,
  toLocalDateTime,
  formatInZone,
  resolveZone,
  zoneOffsetMinutes,
} from './local-date-time.js';
export type { LocalDateTime, Disambiguation, ToInstantOptions, TimeZone } from './local-date-time.js';
export { instantSchema, parseInstant } from './instant-schema.js';
export type { InstantSchemaOptions } from './instant-schema.js';
export {
  WINDOW_STATES,
  createDeadline,
  isDeadlinePassed,
  timeUntilDeadline,
  describeDeadline,
  sameDeadline,
  createTimeWindow,
  isWithinWindow,
  windowState,
  describeTimeWindow,
  deadlineSchema,
  timeWindowSchema,
} from './deadline.js';
export type { Deadline, DeadlineOptions, DeadlineDefinition, TimeWindow, TimeWindowDefinition, WindowState } from './deadline.js';
export { WEEKDAYS, createBusinessCalendar, businessCalendarConfigSchema } from './business-calendar.js';
export type {
  Weekday,
  WorkingInterval,
  WorkingHours,
  ExtraWorkingDay,
  BusinessCalendarConfig,
  NormalisedBusinessCalendarConfig,
  WorkingSpan,
  BusinessCalendar,
} from './business-calendar.js';
