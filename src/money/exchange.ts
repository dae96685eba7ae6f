import type Decimal from "decimal.js";
import { sql } from "drizzle-orm";
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
 * For each ordered pair, the rate with the latest `effective_from` at or before `at`. Read fresh on
 * every call (one indexed query), so a rate set by finance applies from its instant on every
 * function instance at once.
 */
export async function ratesInForce(db: Database, pairs: { from: string; to: string }[], at: Date): Promise<RateBook> {
  const wanted = [...new Set(pairs.filter((pair) => pair.from !== pair.to).map((pair) => `${pair.from}>${pair.to}`))];
  if (wanted.length === 0) return new RateBook(at, new Map());
  const [froms, tos] = [wanted.map((pair) => pair.slice(0, 3)), wanted.map((pair) => pair.slice(4))];
  const rows = await preparedQuery<{ pair: string; rate: string }>(
    db,
    sql`select distinct on (from_currency, to_currency) from_currency || '>' || to_currency as pair, rate::text as rate
        from exchange_rate
        where (from_currency, to_currency) in (select * from unnest(${textArray(froms)}, ${textArray(tos)}))
          and effective_from <= ${at.toISOString()}::timestamptz
        order by from_currency, to_currency, effective_from desc`,
  );
  return new RateBook(at, new Map(rows.map((row) => [row.pair, new Dec(row.rate)])));
}

export async function rateAt(db: Database, from: string, to: string, at: Date): Promise<Dec> {
  return (await ratesInForce(db, [{ from, to }], at)).rate(from, to);
}
