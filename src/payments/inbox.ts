import { eq, sql } from "drizzle-orm";
import { now } from "../clock";
import type { Database } from "../db/client";
import { prepared } from "../db/prepared";
import { currencyTable } from "../plan/plan.sql";
import { orderTable, stripeEventTable, type StripeEventOutcome } from "../orders/orders.sql";

// The webhook inbox (stripe_event) and the order row it serialises on. Every event for an order
// locks the order row first and decides from what it reads under that lock; the event row is
// claimed in the same transaction as the effects, so an event applies exactly once.

export interface LockedOrder {
  id: number;
  memberId: number;
  status: (typeof orderTable.$inferSelect)["status"];
  paymentMethod: (typeof orderTable.$inferSelect)["paymentMethod"];
  paymentIntentId: string | null;
  currency: string;
  /** Minor units of the currency, for Stripe amounts. */
  decimals: number;
  total: string;
  refundedAmount: string;
  /** Events that arrived before the payment succeeded, waiting for it. */
  hasDeferred: boolean;
}

export interface EventResult {
  outcome: StripeEventOutcome;
  detail: string | null;
}

export async function lockOrder(tx: Database, orderId: number): Promise<LockedOrder | undefined> {
  const [order] = await prepared(
    tx
      .select({
      id: orderTable.id,
      memberId: orderTable.memberId,
      status: orderTable.status,
      paymentMethod: orderTable.paymentMethod,
      paymentIntentId: orderTable.paymentIntentId,
      currency: orderTable.currency,
      decimals: currencyTable.decimals,
      total: orderTable.total,
      refundedAmount: orderTable.refundedAmount,
      hasDeferred: sql<boolean>`exists (select 1 from ${stripeEventTable} where ${stripeEventTable.orderId} = ${orderTable.id} and ${stripeEventTable.outcome} = 'deferred')`,
    })
    .from(orderTable)
    .innerJoin(currencyTable, eq(currencyTable.code, orderTable.currency))
      .where(eq(orderTable.id, orderId))
      .for("update", { of: orderTable }),
  );
  return order && { ...order, currency: order.currency.trim() };
}

/**
 * Records an event id once: false when it was recorded before (a duplicate or replay). A concurrent
 * duplicate blocks on the key until the first commits, then sees it; if the first rolled back,
 * the duplicate claims it and applies it instead. Recorded as applied (the common case, one
 * write): the caller records any other outcome with recordOutcome in the same transaction.
 */
export async function claimEvent(tx: Database, event: { id: string; type: string; created: Date; payload: unknown }, orderId: number | null): Promise<boolean> {
  const claimed = await prepared(
    tx
      .insert(stripeEventTable)
      .values({ id: event.id, type: event.type, orderId, outcome: "applied", payload: event.payload, stripeCreatedAt: event.created, receivedAt: now(), appliedAt: now() })
      .onConflictDoNothing()
      .returning({ id: stripeEventTable.id }),
  );
  return claimed.length > 0;
}

export async function recordOutcome(tx: Database, eventId: string, result: EventResult): Promise<void> {
  await tx
    .update(stripeEventTable)
    .set({ outcome: result.outcome, detail: result.detail, appliedAt: result.outcome === "applied" ? now() : null })
    .where(eq(stripeEventTable.id, eventId));
}
