// A customer's evidence, normalised once: what the matcher, the blocking keys and the index read.
import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import type { Customer, CustomerInput } from '../model/customer.js';
import { normaliseAddress, type AddressOptions, type NormalisedAddress } from './address.js';
import { normaliseChineseIdNumber, type IdNumberOptions } from './id-number.js';
import { normaliseDeviceId, normaliseEmail, normaliseName, type EmailOptions } from './name.js';
import { normalisePhone, type PhoneOptions } from './phone.js';

/** Evidence that failed normalisation and was set aside (counted as missing, never as disagreement). */
export interface RejectedEvidence {
  readonly field: 'phones' | 'idNumber' | 'names' | 'emails' | 'addresses' | 'deviceIds' | 'realNames';
  /** The normaliser's stable reason code, e.g. `BAD_CHECK_CHARACTER`. */
  readonly reason: string;
}

/** A customer's normalised evidence. Lists are de-duplicated; order follows the input. */
export interface NormalisedCustomer {
  readonly id: string;
  readonly source: string | undefined;
  /** Name comparison keys. */
  readonly names: readonly string[];
  /** E.164 numbers. */
  readonly phones: readonly string[];
  /** A valid 18-character resident ID, or undefined (absent or invalid). */
  readonly idNumber: string | undefined;
  /**
   * False when the ID was upgraded from a 15-digit legacy number: it has no check character of
   * its own, so one mistyped digit passes unnoticed and a differing ID is not proof of another
   * person.
   */
  readonly idNumberChecked: boolean;
  readonly emails: readonly string[];
  readonly addresses: readonly NormalisedAddress[];
  /** Verified real names of payment accounts, as name keys. */
  readonly realNames: readonly string[];
  /** `provider:accountId`. */
  readonly paymentAccounts: readonly string[];
  readonly deviceIds: readonly string[];
  readonly rejected: readonly RejectedEvidence[];
}

/** Options of {@link normaliseCustomer}: the options of each normaliser. */
export interface NormaliseCustomerOptions {
  readonly phone?: PhoneOptions;
  readonly idNumber?: IdNumberOptions;
  readonly email?: EmailOptions;
  readonly address?: AddressOptions;
}

function unique<T>(values: T[]): T[] {
  return values.length < 2 ? values : [...new Set(values)];
}

const STRING_LISTS = ['names', 'phones', 'emails', 'deviceIds'] as const;

/**
 * The shape problems of a customer record: a string where a list belongs (read character by
 * character it would be ten one-digit phones), a missing id, a payment account without its
 * provider. Checked by hand, not by the schema: this runs once per record on million-record
 * dedupes. Value problems (an unparsable phone) are not shape problems: they go to `rejected`.
 */
function shapeIssues(customer: unknown): ValidationIssue[] {
  if (typeof customer !== 'object' || customer === null || Array.isArray(customer)) {
    return [{ code: 'invalid_type', path: [], message: 'Expected a customer record object' }];
  }
  const record = customer as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  if (typeof record['id'] !== 'string' || record['id'] === '') issues.push({ code: 'invalid_type', path: ['id'], message: 'Expected a non-empty string id' });
  for (const field of STRING_LISTS) {
    const list = record[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) issues.push({ code: 'invalid_type', path: [field], message: 'Expected an array of strings' });
    else list.forEach((value, i) => typeof value !== 'string' && issues.push({ code: 'invalid_type', path: [field, i], message: 'Expected a string' }));
  }
  for (const field of ['idNumber', 'source'] as const) {
    if (record[field] !== undefined && typeof record[field] !== 'string') issues.push({ code: 'invalid_type', path: [field], message: 'Expected a string' });
  }
  const addresses = record['addresses'];
  if (addresses !== undefined) {
    if (!Array.isArray(addresses)) issues.push({ code: 'invalid_type', path: ['addresses'], message: 'Expected an array of addresses' });
    else addresses.forEach((value, i) => typeof value !== 'string' && (typeof value !== 'object' || value === null) && issues.push({ code: 'invalid_type', path: ['addresses', i], message: 'Expected an address object or text' }));
  }
  const accounts = record['paymentAccounts'];
  if (accounts !== undefined) {
    if (!Array.isArray(accounts)) issues.push({ code: 'invalid_type', path: ['paymentAccounts'], message: 'Expected an array of payment accounts' });
    else {
      accounts.forEach((value, i) => {
        const account = value as Record<string, unknown> | null;
        if (typeof account !== 'object' || account === null) issues.push({ code: 'invalid_type', path: ['paymentAccounts', i], message: 'Expected { provider, accountId, realName? }' });
        else {
          for (const key of ['provider', 'accountId'] as const) if (typeof account[key] !== 'string') issues.push({ code: 'invalid_type', path: ['paymentAccounts', i, key], message: 'Expected a string' });
          if (account['realName'] !== undefined && typeof account['realName'] !== 'string') issues.push({ code: 'invalid_type', path: ['paymentAccounts', i, 'realName'], message: 'Expected a string' });
        }
      });
    }
  }
  return issues;
}

/**
 * Normalises every piece of evidence of a customer. Invalid values are set aside in `rejected`.
 * @throws ValidationError when the record is not shaped like a customer (a string where a list
 * belongs, no id), with the path of each problem.
 * @example normaliseCustomer({ id: 'c1', phones: ['138 1234 5678'] }).phones // ['+8613812345678']
 */
export function normaliseCustomer(customer: Customer | CustomerInput, options: NormaliseCustomerOptions = {}): NormalisedCustomer {
  const issues = shapeIssues(customer);
  if (issues.length > 0) throw new ValidationError('customer record', issues);
  const rejected: RejectedEvidence[] = [];
  const names: string[] = [];
  for (const raw of customer.names ?? []) {
    const r = normaliseName(raw);
    if (r.ok) names.push(r.value.key);
    else rejected.push({ field: 'names', reason: r.error.reason });
  }
  const phones: string[] = [];
  for (const raw of customer.phones ?? []) {
    const r = normalisePhone(raw, options.phone);
    if (r.ok) phones.push(r.value.e164);
    else rejected.push({ field: 'phones', reason: r.error.reason });
  }
  let idNumber: string | undefined;
  let idNumberChecked = false;
  if (customer.idNumber !== undefined) {
    const r = normaliseChineseIdNumber(customer.idNumber, options.idNumber);
    if (r.ok) {
      idNumber = r.value.value;
      idNumberChecked = !r.value.upgradedFrom15;
    } else rejected.push({ field: 'idNumber', reason: r.error.reason });
  }
  const emails: string[] = [];
  for (const raw of customer.emails ?? []) {
    const r = normaliseEmail(raw, options.email);
    if (r.ok) emails.push(r.value);
    else rejected.push({ field: 'emails', reason: r.error.reason });
  }
  const addresses: NormalisedAddress[] = [];
  const addressKeys = new Set<string>();
  for (const raw of customer.addresses ?? []) {
    const r = normaliseAddress(raw, options.address);
    if (!r.ok) rejected.push({ field: 'addresses', reason: r.error.reason });
    else if (!addressKeys.has(r.value.key)) {
      addressKeys.add(r.value.key);
      addresses.push(r.value);
    }
  }
  const realNames: string[] = [];
  const paymentAccounts: string[] = [];
  for (const account of customer.paymentAccounts ?? []) {
    paymentAccounts.push(`${account.provider.trim().toLowerCase()}:${account.accountId.trim()}`);
    if (account.realName !== undefined) {
      const r = normaliseName(account.realName);
      if (r.ok) realNames.push(r.value.key);
      else rejected.push({ field: 'realNames', reason: r.error.reason });
    }
  }
  const deviceIds: string[] = [];
  for (const raw of customer.deviceIds ?? []) {
    const r = normaliseDeviceId(raw);
    if (r.ok) deviceIds.push(r.value);
    else rejected.push({ field: 'deviceIds', reason: r.error.reason });
  }
  return {
    id: customer.id,
    source: customer.source,
    names: unique(names),
    phones: unique(phones),
    idNumber,
    idNumberChecked,
    emails: unique(emails),
    addresses,
    realNames: unique(realNames),
    paymentAccounts: unique(paymentAccounts),
    deviceIds: unique(deviceIds),
    rejected,
  };
}
