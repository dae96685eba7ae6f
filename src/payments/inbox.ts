import { eq, sql, type SQL } from "drizzle-orm";
import { now } from "../clock";
import { withNumericId, type Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { confirmableColumns, type ConfirmableOrder } from "../confirmation/confirm-payment";
import { orderTable, stripeEventTable, type StripeEventOutcome } from "../orders/orders.sql";

// The webhook inbox (stripe_event) and the order row it serialises on. Every event for an order
// claims its event row, then locks the order row and decides from what it reads under that lock,
// in the same transaction as the effects, so an event applies exactly once.

/** The order as an event's transaction reads it under its lock: enough to decide the event, and to confirm the order. */
export interface LockedOrder extends ConfirmableOrder {
  paymentMethod: (typeof orderTable.$inferSelect)["paymentMethod"];
  paymentIntentId: string | null;
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

/** The LockedOrder columns of order `o` (joined to its currency `c`). */
const lockedOrderColumns = sql`${confirmableColumns}, o.payment_method as "paymentMethod", o.payment_intent_id as "paymentIntentId",
  c.decimals, o.total::text as total, o.refunded_amount::text as "refundedAmount",
  exists (select 1 from stripe_event d where d.order_id = o.id and d.outcome = 'deferred') as "hasDeferred"`;

export async function lockOrder(tx: Database, orderId: number): Promise<LockedOrder | undefined> {
  const [row] = await preparedQuery<LockedOrder>(tx, sql`select ${lockedOrderColumns} from orders o join currency c on c.code = o.currency where o.id = ${orderId} for update of o`);
  return row && withNumericId<LockedOrder>(row);
}

/**
 * Records an event id once and, if this delivery is the first, locks and reads its order (null:
 * no such order): one statement. `claimed` false: recorded before (a duplicate or replay). The
 * claim comes first (the lock waits for its answer), so a concurrent duplicate waits on the key
 * alone, holding nothing, until the first delivery commits (then it is a duplicate) or rolls back
 * (then it claims and applies the event itself); every delivery takes its key before the order,
 * so none waits on another in a cycle. Recorded as applied (the common case, one write): the
 * caller records any other outcome with recordOutcome in the same transaction. `thenLock`: locks
 * to take after the order's, in the same statement (a success event's confirmationLocks); taken
 * even when nothing is claimed or there is no order, they are shared and end with the transaction.
 */
export async function claimEvent(
  tx: Database,
  event: { id: string; type: string; created: Date; payload: unknown },
  orderId: number | null,
  thenLock?: SQL,
): Promise<{ claimed: false } | { claimed: true; order: LockedOrder | null }> {
  const at = now().toISOString();
  const [row] = await preparedQuery<{ claimed: boolean; order: LockedOrder | null }>(
    tx,
    sql`with claim as (
          insert into stripe_event (id, type, order_id, outcome, payload, stripe_created_at, received_at, applied_at)
          values (${event.id}, ${event.type}, (select id from orders where id = ${orderId}::bigint), 'applied', ${JSON.stringify(event.payload)}::jsonb,
                  ${event.created.toISOString()}::timestamptz, ${at}::timestamptz, ${at}::timestamptz)
          on conflict (id) do nothing
          returning id
        )
        select exists (select 1 from claim) as claimed, to_json(o) as order${thenLock ? sql`, ${thenLock}` : sql``}
        from (select 1) one
        left join lateral (
          select ${lockedOrderColumns} from orders o join currency c on c.code = o.currency
          where o.id = ${orderId}::bigint and exists (select 1 from claim)
          for update of o
        ) o on true`,
  );
  if (!row!.claimed) return { claimed: false };
  return { claimed: true, order: row!.order && withNumericId<LockedOrder>(row!.order) };
}

export async function recordOutcome(tx: Database, eventId: string, result: EventResult): Promise<void> {
  await tx
    .update(stripeEventTable)
    .set({ outcome: result.outcome, detail: result.detail, appliedAt: result.outcome === "applied" ? now() : null })
    .where(eq(stripeEventTable.id, eventId));
}
