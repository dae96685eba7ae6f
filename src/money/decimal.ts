import Decimal from "decimal.js";

/**
 * The project's one Decimal: 40 significant digits, half-up. Money never passes through a JS number.
 * Amounts round to 2 places half-up (SPEC.md section 1).
 */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof Dec>;

export function round2(value: Decimal.Value): Dec {
  return new Dec(value).toDecimalPlaces(2, Dec.ROUND_HALF_UP);
}

export interface Money {
  amount: string;
  currency: string;
}

/** The API's money shape: a decimal string with exactly 2 places. */
export function money(amount: Decimal.Value, currency: string): Money {
  return { amount: round2(amount).toFixed(2), currency: currency.trim() };
}
