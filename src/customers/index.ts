// The customers module's face: normalisers, the matcher, blocking index, dedupe, merge and audit, tags.
export { normalisePhone, PHONE_KINDS, PHONE_FAILURE_REASONS } from './phone.js';
export type { NormalisedPhone, PhoneKind, PhoneFailureReason, PhoneOptions } from './phone.js';
export { normaliseChineseIdNumber, gb11643CheckCharacter, ID_NUMBER_FAILURE_REASONS } from './id-number.js';
export type { NormalisedIdNumber, IdNumberFailureReason, IdNumberOptions } from './id-number.js';
export {
  normaliseName,
  normaliseEmail,
  normaliseDeviceId,
  normaliseRealName,
  NAME_FAILURE_REASONS,
  EMAIL_FAILURE_REASONS,
  DEVICE_ID_FAILURE_REASONS,
} from './name.js';
export type { NormalisedName, NameFailureReason, EmailOptions, EmailFailureReason, DeviceIdFailureReason } from './name.js';
export { normaliseAddress, ADDRESS_FAILURE_REASONS } from './address.js';
export { cityCentroid } from './city-centroid.js';
export { chineseDivisionCodes } from './division-codes.js';
export type { DivisionCodes } from './division-codes.js';
export { CN_DIVISION_CODES } from './data/cn-division-codes.js';
export { CN_PREFECTURE_CENTROIDS } from './data/cn-prefecture-centroids.js';
export type { PrefectureCentroid } from './data/cn-prefecture-centroids.js';
export type { NormalisedAddress, AddressOptions, AddressFailureReason } from './address.js';
export { CN_GAZETTEER, CN_GAZETTEER_SAMPLE } from './data/cn-gazetteer.js';
export type { Gazetteer, GazetteerProvince, GazetteerCity } from './data/cn-gazetteer.js';
export { CN_ID_REGION_PREFIXES } from './data/id-regions.js';
export type { NormaliseResult } from './normalise-result.js';
export { toHalfWidth } from './text.js';
export { normaliseCustomer } from './normalise-customer.js';
export type { NormalisedCustomer, NormaliseCustomerOptions, RejectedEvidence } from './normalise-customer.js';
export { jaroWinkler, levenshteinSimilarity, editDistance, differencePattern } from './similarity.js';
export { pinyinReadings, soundsAlike, soundString } from './pinyin.js';
export { createCustomerMatcher, matchField, COMPARISON_LEVELS, MATCH_MODES } from './matcher.js';
export type {
  CustomerMatcher,
  CustomerMatcherConfig,
  MatchField,
  EvidenceRule,
  BlockingRule,
  FellegiSunterParameters,
  LevelProbabilities,
  MatchContext,
  MatchResult,
  FieldComparison,
  FiredEvidence,
  ComparisonLevel,
  MatchMode,
} from './matcher.js';
export {
  chineseRetailPreset,
  nameSimilarity,
  addressSimilarity,
  phoneSimilarity,
  idNumberSimilarity,
  CHINESE_RETAIL_EVIDENCE,
  CHINESE_RETAIL_FIELDS,
  CHINESE_RETAIL_BLOCKING,
} from './chinese-preset.js';
export type { ChineseRetailPresetOptions } from './chinese-preset.js';
export { estimateFellegiSunter } from './fellegi-sunter.js';
export type { EstimateOptions, FellegiSunterEstimate } from './fellegi-sunter.js';
export { createCustomerIndex } from './customer-index.js';
export type { CustomerIndex, CustomerIndexOptions, IndexMatch, IndexMatchOptions } from './customer-index.js';
export { dedupe, forEachCandidatePair } from './dedupe.js';
export type { DedupeOptions, DedupeResult, DedupeLink, DedupeStats } from './dedupe.js';
export { MERGE_AUDIT_ACTIONS } from '../ports/customer-store-port.js';
export type { CustomerStore, GoldenProfile, MergeAuditRecord, MergeAuditAction, MergeSnapshot } from '../ports/customer-store-port.js';
export { computeBehaviourTags, orderFactsFromOrder, BEHAVIOUR_TAGS } from './behaviour-tags.js';
export type { OrderFacts, BehaviourTag, BehaviourTagOptions, BehaviourFigures, EarnedTag, BehaviourProfile } from './behaviour-tags.js';
