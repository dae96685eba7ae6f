import { and, eq } from "drizzle-orm";
import { releaseCashback } from "../cashback/cashback";
import { now } from "../clock";
import type { Database } from "../db/client";
import { notFound, refused } from "../errors";
import { kitClaimTable, orderTable, type OrderStatus } from "./orders.sql";

// What a pending order holds until it is paid or given up: the buyer's one starter kit (kit_claim)
// and the cashback credit reserved for it.

/** Claims the buyer's one starter kit for this order; the primary key makes a second claim fail even under concurrency. */
export async function claimKit(tx: Database, memberId: number, orderId: number, kitLine: number): Promise<void> {
  const claimed = await tx.insert(kitClaimTable).values({ memberId, orderId }).onConflictDoNothing().returning({ orderId: kitClaimTable.orderId });
  if (claimed.length > 0) return;
  const [held] = await tx
    .select({ orderId: kitClaimTable.orderId, status: orderTable.status })
    .from(kitClaimTable)
    .innerJoin(orderTable, eq(orderTable.id, kitClaimTable.orderId))
    .where(eq(kitClaimTable.memberId, memberId));
  const why = held?.status === "pending_payment" ? `order ${held.orderId} with a starter kit is awaiting payment` : `you already have a starter kit (order ${held?.orderId})`;
  throw refused(`One starter kit per member: ${why}`, [{ path: `items.${kitLine}.sku`, message: "A member buys at most one starter kit" }]);
}

export type EndedStatus = Extract<OrderStatus, "cancelled" | "payment_failed">;

/**
 * Ends a pending order without payment (cancelled, or payment_failed with the reason) and frees its
 * kit claim and cashback credit, under the order's row lock. Answers false, changing nothing, when
 * the order is no longer pending_payment (the caller decides what that means).
 */
export async function endPendingOrder(tx: Database, orderId: number, status: EndedStatus, reason?: string): Promise<{ ended: boolean; status: OrderStatus }> {
  const [order] = await tx.select({ status: orderTable.status }).from(orderTable).where(eq(orderTable.id, orderId)).for("update");
  if (!order) throw notFound("Order");
  if (order.status !== "pending_payment") return { ended: false, status: order.status };
  await tx
    .update(orderTable)
    .set({ status, paymentError: reason ?? null, updatedAt: now() })
    .where(and(eq(orderTable.id, orderId), eq(orderTable.status, "pending_payment")));
  await tx.delete(kitClaimTable).where(eq(kitClaimTable.orderId, orderId));
  await releaseCashback(tx, orderId);
  return { ended: true, status };
}
