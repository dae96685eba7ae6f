import { sql } from "drizzle-orm";
import { now } from "../clock";
import { intArray, numericArray, textArray } from "../db/arrays";
import { query, type Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { allColumns, tableRow } from "../db/table-rows";
import type { Dec } from "../money/decimal";
import { convert, ratesInForce } from "../money/exchange";
import type { Plan } from "../plan/plan";
import { commissionLineTable, type BonusType } from "./commissions.sql";
import { commissionLinesByKey, type CommissionLine } from "./lines";

export interface NewCommissionLine {
  /** The business fact's identity, e.g. `direct:order:17` or `unilevel:2025-03:42:level:3:MXN`. */
  key: string;
  receiverId: number;
  bonusType: BonusType;
  sourceMemberId?: number | null;
  orderId?: number | null;
  period: string;
  level?: number | null;
  /** Computed in the origin currency; may carry more than 2 places (it is rounded here). */
  originAmount: Dec;
  originCurrency: string;
  /** The receiver's currency, when the caller has just read it (saves a lookup). */
  receiverCurrency?: string;
  /** The rate from the origin currency to the receiver's in force at the calculation, when the caller has just read it (rateInForce; saves a lookup). */
  originRate?: Dec;
  payableAt: Date;
}

/** When an instant bonus (direct, fast start, achievement) becomes payable: after the refund window. */
export function payableAfterHold(plan: Plan, earnedAt: Date): Date {
  return new Date(earnedAt.getTime() + plan.integer("instant_hold_days") * 86_400_000);
}

/**
 * Creates commission lines in the caller's transaction, idempotently: a key already present keeps
 * its first line (returned as it is). Each line is converted to its receiver's currency by the
 * one rounding rule (src/money/exchange.ts) at the rate in force at `calculatedAt`. A line that
 * rounds to 0.00 is not a line. Answers the lines in input order.
 */
export async function createCommissionLines(db: Database, lines: NewCommissionLine[], calculatedAt = now()): Promise<CommissionLine[]> {
  if (lines.length === 0) return [];
  const currencyOf = await receiverCurrencies(db, lines);
  const rows = lines.map((line) => {
    const currency = currencyOf.get(line.receiverId);
    if (!currency) throw new Error(`commission receiver ${line.receiverId} does not exist`);
    return { line, currency };
  });
  const unknownRates = rows.filter(({ line }) => line.originRate === undefined);
  const rates = await ratesInForce(db, unknownRates.map(({ line, currency }) => ({ from: line.originCurrency, to: currency })), calculatedAt);
  const conversion = (line: NewCommissionLine, currency: string) =>
    line.originRate === undefined ? rates.convert(line.originAmount, line.originCurrency, currency) : convert(line.originAmount, line.originRate);
  const priced = rows
    .map(({ line, currency }) => ({ line, currency, ...conversion(line, currency) }))
    .filter(({ origin, converted }) => !origin.isZero() && !converted.isZero());
  if (priced.length === 0) return [];
  const nullable = (values: (number | null | undefined)[]) => `{${values.map((value) => value ?? "NULL").join(",")}}`;
  const inserted = await preparedQuery<Record<string, unknown>>(
    db,
    sql`insert into commission_line (natural_key, receiver_id, bonus_type, source_member_id, order_id, period, level,
                                     origin_amount, origin_currency, rate, amount, currency, payable_at, created_at)
        select * from unnest(
          ${textArray(priced.map((p) => p.line.key))}, ${intArray(priced.map((p) => p.line.receiverId))}, ${textArray(priced.map((p) => p.line.bonusType))},
          ${nullable(priced.map((p) => p.line.sourceMemberId))}::int[], ${nullable(priced.map((p) => p.line.orderId))}::bigint[],
          ${textArray(priced.map((p) => p.line.period))}, ${nullable(priced.map((p) => p.line.level))}::smallint[],
          ${numericArray(priced.map((p) => p.origin.toFixed(2)))}, ${textArray(priced.map((p) => p.line.originCurrency))},
          ${numericArray(priced.map((p) => p.rate.toFixed()))}, ${numericArray(priced.map((p) => p.converted.toFixed(2)))},
          ${textArray(priced.map((p) => p.currency))}, ${textArray(priced.map((p) => p.line.payableAt.toISOString()))}::timestamptz[],
          array_fill(${calculatedAt.toISOString()}::timestamptz, array[${priced.length}::int]))
        on conflict (natural_key) do nothing
        returning ${allColumns(commissionLineTable)}`,
  );
  const stored = new Map(inserted.map((raw) => tableRow(commissionLineTable, raw)).map((line) => [line.naturalKey, line]));
  // Keys created before (a replay): their first line stands.
  const existing = priced.filter((p) => !stored.has(p.line.key));
  if (existing.length > 0) for (const [key, line] of await commissionLinesByKey(db, existing.map((p) => p.line.key))) stored.set(key, line);
  return priced.map((p) => stored.get(p.line.key)!);
}

/** Each receiver's currency: as the caller read it, else from the member's country. */
async function receiverCurrencies(db: Database, lines: NewCommissionLine[]): Promise<Map<number, string>> {
  const known = new Map(lines.flatMap((line) => (line.receiverCurrency ? [[line.receiverId, line.receiverCurrency] as const] : [])));
  const unknown = [...new Set(lines.map((line) => line.receiverId))].filter((id) => !known.has(id));
  if (unknown.length === 0) return known;
  const rows = await query<{ id: number; currency: string }>(db, sql`select m.id, c.currency from member m join country c on c.code = m.country where m.id = any(${intArray(unknown)})`);
  return new Map([...known, ...rows.map((row) => [row.id, row.currency] as const)]);
}
