import { sql } from "drizzle-orm";
import { now } from "../clock";
import { intArray } from "../db/arrays";
import { query, type Database } from "../db/client";
import { prepared } from "../db/prepared";
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
  const stored = new Map<string, CommissionLine>();
  for (let at = 0; at < priced.length; at += INSERT_CHUNK) {
    const inserted = await prepared(
      db
        .insert(commissionLineTable)
      .values(
        priced.slice(at, at + INSERT_CHUNK).map(({ line, currency, origin, rate, converted }) => ({
          naturalKey: line.key,
          receiverId: line.receiverId,
          bonusType: line.bonusType,
          sourceMemberId: line.sourceMemberId ?? null,
          orderId: line.orderId ?? null,
          period: line.period,
          level: line.level ?? null,
          originAmount: origin.toFixed(2),
          originCurrency: line.originCurrency,
          rate: rate.toFixed(),
          amount: converted.toFixed(2),
          currency,
          payableAt: line.payableAt,
          createdAt: calculatedAt,
        })),
      )
        .onConflictDoNothing({ target: commissionLineTable.naturalKey })
        .returning(),
    );
    for (const line of inserted) stored.set(line.naturalKey, line);
  }
  // Keys created before (a replay): their first line stands.
  const existing = priced.filter((p) => !stored.has(p.line.key));
  if (existing.length > 0) for (const [key, line] of await commissionLinesByKey(db, existing.map((p) => p.line.key))) stored.set(key, line);
  return priced.map((p) => stored.get(p.line.key)!);
}

/** Rows per INSERT: 14 parameters each stays far below PostgreSQL's 65,535 per statement. */
const INSERT_CHUNK = 1_000;

/** Each receiver's currency: as the caller read it, else from the member's country. */
async function receiverCurrencies(db: Database, lines: NewCommissionLine[]): Promise<Map<number, string>> {
  const known = new Map(lines.flatMap((line) => (line.receiverCurrency ? [[line.receiverId, line.receiverCurrency] as const] : [])));
  const unknown = [...new Set(lines.map((line) => line.receiverId))].filter((id) => !known.has(id));
  if (unknown.length === 0) return known;
  const rows = await query<{ id: number; currency: string }>(db, sql`select m.id, c.currency from member m join country c on c.code = m.country where m.id = any(${intArray(unknown)})`);
  return new Map([...known, ...rows.map((row) => [row.id, row.currency] as const)]);
}
