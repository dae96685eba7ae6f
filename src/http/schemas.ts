import * as v from "valibot";

// Building blocks shared by request schemas.

/** A query-string integer within bounds. */
export const queryInt = (min: number, max: number) =>
  v.pipe(v.string(), v.regex(/^\d{1,9}$/, "Must be a whole number"), v.transform(Number), v.minValue(min), v.maxValue(max));

export const pageQuery = {
  page: v.optional(queryInt(1, 1_000_000), "1"),
  pageSize: v.optional(queryInt(1, 100), "20"),
};

/** `?sort=field` or `?sort=-field`, limited to the fields a list allows. */
export const sortQuery = <const F extends string>(fields: readonly F[], fallback: `${"" | "-"}${F}`) =>
  v.optional(
    v.pipe(
      v.string(),
      v.check((value) => fields.includes(value.replace(/^-/, "") as F), `Sort by one of: ${fields.join(", ")} (prefix - for descending)`),
      v.transform((value) => ({ field: value.replace(/^-/, "") as F, descending: value.startsWith("-") })),
    ),
    fallback,
  );

export const periodString = v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Must be a period YYYY-MM"));
export const isoInstant = v.pipe(v.string(), v.isoTimestamp("Must be an ISO 8601 instant"));
export const decimalString = v.pipe(v.string(), v.regex(/^\d{1,12}(\.\d{1,2})?$/, "Must be a decimal string with at most 2 places"));
export const currencyCode = v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, "Must be a 3-letter currency code"));
export const moneySchema = v.strictObject({ amount: decimalString, currency: currencyCode });

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}
