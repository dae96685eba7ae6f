import type Decimal from "decimal.js";
import { sql, type SQL } from "drizzle-orm";
import { textArray } from "../db/arrays";
import type { Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { refused } from "../errors";
import { Dec, round2 } from "./decimal";

// The one place that knows SPEC.md section 1's conversion rule: a commission is computed in its
// origin currency and rounded to 2 places half-up, then converted at the company's fixed rate in
// force at the calculation instant and rounded again to 2 places half-up.

export interface Conversion {
  /** Origin amount, rounded to 2 places. */
  origin: Dec;
  /** The rate applied: 1 within one currency. */
  rate: Dec;
  /** Origin x rate, rounded to 2 places. */
  converted: Dec;
}

/** Rounds the origin amount first, then converts: never converts an unrounded amount. */
export function convert(originAmount: Decimal.Value, rate: Decimal.Value): Conversion {
  const origin = round2(originAmount);
  const applied = new Dec(rate);
  return { origin, rate: applied, converted: round2(origin.times(applied)) };
}

/** The rates in force at one instant for a set of currency pairs (one query for all of them). */
export class RateBook {
  constructor(
    readonly at: Date,
    private readonly rates: Map<string, Dec>,
  ) {}

  rate(from: string, to: string): Dec {
    if (from === to) return new Dec(1);
    const rate = this.rates.get(`${from}>${to}`);
    if (!rate) throw refused(`No exchange rate ${from}->${to} is in force at ${this.at.toISOString()}`);
    return rate;
  }

  convert(originAmount: Decimal.Value, from: string, to: string): Conversion {
    return convert(originAmount, this.rate(from, to));
  }
}

/**
 * The rate from currency `from` to `to` in force at `at`: the one with the latest `effective_from`
 * at or before it (null if none), as an SQL expression, so a statement that reads a currency can
 * read its rate too. Read fresh every time (an index probe), so a rate set by finance applies from
 * its instant on every function instance at once.
 */
export const rateInForce = (from: SQL, to: SQL, at: Date) =>
  sql`(select r.rate from exchange_rate r where r.from_currency = ${from}::bpchar and r.to_currency = ${to}::bpchar and r.effective_from <= ${at.toISOString()}::timestamptz
       order by r.effective_from desc limit 1)`;

/** The rates in force at `at` for these ordered pairs, in one query. */
export async function ratesInForce(db: Database, pairs: { from: string; to: string }[], at: Date): Promise<RateBook> {
  const wanted = [...new Set(pairs.filter((pair) => pair.from !== pair.to).map((pair) => `${pair.from}>${pair.to}`))];
  if (wanted.length === 0) return new RateBook(at, new Map());
  const [froms, tos] = [wanted.map((pair) => pair.slice(0, 3)), wanted.map((pair) => pair.slice(4))];
  const rows = await preparedQuery<{ pair: string; rate: string | null }>(
    db,
    sql`select p.f || '>' || p.t as pair, ${rateInForce(sql`p.f`, sql`p.t`, at)}::text as rate from unnest(${textArray(froms)}, ${textArray(tos)}) as p(f, t)`,
  );
  return new RateBook(at, new Map(rows.flatMap((row) => (row.rate === null ? [] : [[row.pair, new Dec(row.rate)] as const]))));
}

export async function rateAt(db: Database, from: string, to: string, at: Date): Promise<Dec> {
  return (await ratesInForce(db, [{ from, to }], at)).rate(from, to);
}
