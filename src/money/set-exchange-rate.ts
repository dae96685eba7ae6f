import { and, desc, eq, inArray, lte } from "drizzle-orm";
import * as v from "valibot";
import { writeAudit } from "../audit/audit";
import { now } from "../clock";
import type { Database } from "../db/client";
import { AppError } from "../errors";
import { currencyTable, exchangeRateTable } from "../plan/plan.sql";
import { Dec } from "./decimal";

export const exchangeRateSchema = v.object({
  from: v.string(),
  to: v.string(),
  rate: v.pipe(v.string(), v.description("Exact decimal: 1 unit of `from` is worth `rate` units of `to`")),
  effectiveFrom: v.pipe(v.string(), v.description("ISO 8601 instant")),
});
export type ExchangeRateView = v.InferOutput<typeof exchangeRateSchema>;

/** A rate "effective now" sent by a client arrives a little late; up to this much in the past counts as now. */
const NOW_TOLERANCE_MS = 5 * 60_000;

const invalid = (path: string, message: string) => new AppError("business_rule", message, { errors: [{ path, message }] });

/**
 * Sets the company rate of an ordered pair from an instant on (SPEC.md section 1). Rates are
 * history: conversions at past instants must keep converting the same way, so a rate may not take
 * effect in the past; setting the same pair and instant again replaces a rate not yet in force.
 * Audited in the same transaction.
 */
export async function setExchangeRate(
  db: Database,
  actor: { memberId: number; requestId: string },
  input: { from: string; to: string; rate: string; effectiveFrom: string },
): Promise<ExchangeRateView> {
  if (input.from === input.to) throw invalid("to", "A rate converts between two different currencies");
  const at = now();
  const requested = new Date(input.effectiveFrom);
  if (requested.getTime() < at.getTime() - NOW_TOLERANCE_MS) throw invalid("effectiveFrom", "A rate cannot take effect in the past");
  const effectiveFrom = requested < at ? at : requested;
  const rate = new Dec(input.rate);
  return db.transaction(async (tx) => {
    const known = await tx.select({ code: currencyTable.code }).from(currencyTable).where(inArray(currencyTable.code, [input.from, input.to]));
    for (const field of ["from", "to"] as const) {
      if (!known.some((row) => row.code === input[field])) throw invalid(field, `Unknown currency ${input[field]}`);
    }
    const pair = and(eq(exchangeRateTable.fromCurrency, input.from), eq(exchangeRateTable.toCurrency, input.to));
    const [previous] = await tx
      .select({ rate: exchangeRateTable.rate, effectiveFrom: exchangeRateTable.effectiveFrom })
      .from(exchangeRateTable)
      .where(and(pair, lte(exchangeRateTable.effectiveFrom, effectiveFrom)))
      .orderBy(desc(exchangeRateTable.effectiveFrom))
      .limit(1);
    await tx
      .insert(exchangeRateTable)
      .values({ fromCurrency: input.from, toCurrency: input.to, rate: rate.toFixed(), effectiveFrom, createdAt: at })
      .onConflictDoUpdate({ target: [exchangeRateTable.fromCurrency, exchangeRateTable.toCurrency, exchangeRateTable.effectiveFrom], set: { rate: rate.toFixed(), createdAt: at } });
    const view = { from: input.from, to: input.to, rate: rate.toFixed(), effectiveFrom: effectiveFrom.toISOString() };
    await writeAudit(tx, {
      actorId: actor.memberId,
      action: "exchange_rate.set",
      entityType: "exchange_rate",
      entityId: `${input.from}->${input.to}@${view.effectiveFrom}`,
      before: previous ? { rate: new Dec(previous.rate).toFixed(), effectiveFrom: previous.effectiveFrom.toISOString() } : null,
      after: view,
      requestId: actor.requestId,
    });
    return view;
  });
}
