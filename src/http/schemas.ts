import * as v from "valibot";

// Building blocks shared by request schemas.

/** A query-string integer within bounds. */
export const queryInt = (min: number, max: number) =>
  // The description comes before the transform so the OpenAPI document (the input side) shows the bounds.
  v.pipe(v.string(), v.regex(/^\d{1,9}$/, "Must be a whole number"), v.description(`A whole number from ${min} to ${max}`), v.transform(Number), v.minValue(min), v.maxValue(max));

export const pageQuery = {
  page: v.optional(queryInt(1, 1_000_000), "1"),
  pageSize: v.optional(queryInt(1, 100), "20"),
};

/** `?sort=field` or `?sort=-field`, limited to the fields a list allows (a picklist, so OpenAPI lists them). */
export const sortQuery = <const F extends string>(fields: readonly F[], fallback: NoInfer<F | `-${F}`>) =>
  v.optional(
    v.pipe(
      v.picklist(
        fields.flatMap((field): (F | `-${F}`)[] => [field, `-${field}`]),
        `Sort by one of: ${fields.join(", ")} (prefix - for descending)`,
      ),
      v.transform((value) => ({ field: value.replace(/^-/, "") as F, descending: value.startsWith("-") })),
    ),
    fallback,
  );

export const periodString = v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Must be a period YYYY-MM"));
export const isoInstant = v.pipe(v.string(), v.isoTimestamp("Must be an ISO 8601 instant"));
export const decimalString = v.pipe(v.string(), v.regex(/^\d{1,12}(\.\d{1,2})?$/, "Must be a decimal string with at most 2 places"));
export const currencyCode = v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, "Must be a 3-letter currency code"));
export const moneySchema = v.strictObject({ amount: decimalString, currency: currencyCode });

/** The response schema of a list: `{items, page, pageSize, total}`. */
export const pageSchema = <S extends v.GenericSchema>(item: S) =>
  v.object({ items: v.array(item), page: v.number(), pageSize: v.number(), total: v.number() });

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/** List filters on an instant: `from` inclusive, `to` exclusive (checked in order by `windowOf` in list.ts). */
export const instantWindow = { from: v.optional(isoInstant), to: v.optional(isoInstant) };
