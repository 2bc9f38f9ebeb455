// The canonical postal address shared by orders, customers and routing.
import { z } from 'zod';

/** A WGS-84 point, for distance-based routing and approval facts. */
export const geoPointSchema = z
  .object({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
  })
  .strict();

/** A postal address, structured the way Chinese and international carriers need it. */
export const addressSchema = z
  .object({
    /** ISO 3166-1 alpha-2, e.g. `CN`. */
    country: z.string().regex(/^[A-Z]{2}$/, 'Expected an ISO 3166-1 alpha-2 country code such as "CN"'),
    /** Province, state or region, e.g. 浙江省. */
    province: z.string().min(1).optional(),
    /** City, e.g. 杭州市. */
    city: z.string().min(1).optional(),
    /** District or county, e.g. 西湖区. */
    district: z.string().min(1).optional(),
    /** Street, building and room. */
    street: z.string().min(1),
    postalCode: z.string().min(1).optional(),
    /** Recipient name; personal data, masked in logs. */
    recipient: z.string().min(1).optional(),
    /** Recipient phone; personal data, masked in logs. */
    phone: z.string().min(1).optional(),
    geo: geoPointSchema.optional(),
  })
  .strict();

/** A postal address. */
export type Address = z.output<typeof addressSchema>;
/** A WGS-84 point. */
export type GeoPoint = z.output<typeof geoPointSchema>;
