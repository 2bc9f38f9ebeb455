// The canonical customer record: every identity a person shows across channels.
import { z } from 'zod';
import { addressSchema } from './address.js';

/** A payment account with the real name the payment provider verified. */
export const paymentAccountSchema = z
  .object({
    /** e.g. `alipay`, `wechat_pay`, `unionpay`. */
    provider: z.string().min(1),
    /** The account id at the provider. */
    accountId: z.string().min(1),
    /** Verified real name; personal data. */
    realName: z.string().min(1).optional(),
  })
  .strict();

/** One customer profile as a channel or CRM knows it. Personal data is masked in errors and logs. */
export const customerSchema = z
  .object({
    id: z.string().min(1),
    /** Names as given (nickname, legal name, Latin spelling). */
    names: z.array(z.string().min(1)).default([]),
    phones: z.array(z.string().min(1)).default([]),
    /** National ID number, e.g. a Chinese resident ID. */
    idNumber: z.string().min(1).optional(),
    emails: z.array(z.string().min(1)).default([]),
    addresses: z.array(addressSchema).default([]),
    paymentAccounts: z.array(paymentAccountSchema).default([]),
    deviceIds: z.array(z.string().min(1)).default([]),
    /** Where this profile came from, e.g. `tmall`, `crm`. */
    source: z.string().min(1).optional(),
    /** Free-form attributes kept through merges. */
    attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  })
  .strict();

/** A customer profile. */
export type Customer = z.output<typeof customerSchema>;
/** A customer profile as accepted at a boundary (lists may be omitted). */
export type CustomerInput = z.input<typeof customerSchema>;
/** A payment account. */
export type PaymentAccount = z.output<typeof paymentAccountSchema>;
