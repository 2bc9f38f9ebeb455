// A customer's evidence, normalised once: what the matcher, the blocking keys and the index read.
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

/**
 * Normalises every piece of evidence of a customer. Invalid values are set aside in `rejected`.
 * @example normaliseCustomer({ id: 'c1', phones: ['138 1234 5678'] }).phones // ['+8613812345678']
 */
export function normaliseCustomer(customer: Customer | CustomerInput, options: NormaliseCustomerOptions = {}): NormalisedCustomer {
  const rejected: RejectedEvidence[] = [];
  const names: string[] = [];
  for (const raw of customer.names ?? []) {
    const r = normaliseName(raw);
    if (r.ok) names.push(r.value.key);
    else rejected.push({ field: 'names', reason: r.reason });
  }
  const phones: string[] = [];
  for (const raw of customer.phones ?? []) {
    const r = normalisePhone(raw, options.phone);
    if (r.ok) phones.push(r.value.e164);
    else rejected.push({ field: 'phones', reason: r.reason });
  }
  let idNumber: string | undefined;
  let idNumberChecked = false;
  if (customer.idNumber !== undefined) {
    const r = normaliseChineseIdNumber(customer.idNumber, options.idNumber);
    if (r.ok) {
      idNumber = r.value.value;
      idNumberChecked = !r.value.upgradedFrom15;
    } else rejected.push({ field: 'idNumber', reason: r.reason });
  }
  const emails: string[] = [];
  for (const raw of customer.emails ?? []) {
    const r = normaliseEmail(raw, options.email);
    if (r.ok) emails.push(r.value);
    else rejected.push({ field: 'emails', reason: r.reason });
  }
  const addresses: NormalisedAddress[] = [];
  const addressKeys = new Set<string>();
  for (const raw of customer.addresses ?? []) {
    const r = normaliseAddress(raw, options.address);
    if (!r.ok) rejected.push({ field: 'addresses', reason: r.reason });
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
      else rejected.push({ field: 'realNames', reason: r.reason });
    }
  }
  const deviceIds: string[] = [];
  for (const raw of customer.deviceIds ?? []) {
    const r = normaliseDeviceId(raw);
    if (r.ok) deviceIds.push(r.value);
    else rejected.push({ field: 'deviceIds', reason: r.reason });
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
