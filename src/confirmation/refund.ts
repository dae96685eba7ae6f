import { and, eq } from "drizzle-orm";
import { revokeEarnedCashback } from "../cashback/cashback";
import { now } from "../clock";
import type { Database } from "../db/client";
import { conflict, notFound, refused } from "../errors";
import { treeShapeShared } from "../members/tree";
import { Dec } from "../money/decimal";
import { isConfirmed, orderTable } from "../orders/orders.sql";
import { assignPeriod, holdPeriod } from "../periods/periods";
import { getPlan } from "../plan/plan";
import { addVolume } from "../volumes/add-volume";
import { orderRefundTable } from "./confirmation.sql";
import { refundedShare, revokeInstantBonuses } from "./revoke-bonuses";

/**
 * Applies a refund of a paid order (SPEC.md section 7), given the cumulative refunded amount (what
 * Stripe reports), in the caller's transaction. Idempotent twice over: an event key seen before
 * does nothing, and so does a cumulative total the order already has (a repeat, or an older event
 * arriving after a newer one). For the newly refunded fraction of the order:
 * - its instant bonuses (direct, fast start) are revoked: cancelled if still pending, clawed back
 *   if paid out; achievement bonuses stay, like the career ranks they reward;
 * - if the order's period is still open, its PV is taken back from the buyer (and, by the fold,
 *   from every ancestor; an unused cashback credit it earned is revoked if the buyer falls below
 *   the threshold again);
 * - if that period is closed, the refund is recorded for the open period's close, which posts the
 *   order's share of the closed period's monthly bonuses as negative lines (order_refund).
 *
 * Lock order, the one every path follows (decisions 002, 007, 009): order row; tree shape and
 * periods (shared); the buyer's volume row; the buyer's credit (SKIP LOCKED); the order's
 * commission lines; the ledger accounts of their receivers (lines before accounts, as payouts).
 */
export async function applyRefund(tx: Database, input: { orderId: number; refundedTotal: Dec; at: Date; key: string }): Promise<void> {
  const [order] = await tx.select().from(orderTable).where(eq(orderTable.id, input.orderId)).for("no key update");
  if (!order) throw notFound("Order");
  const [seen] = await tx.select({ id: orderRefundTable.id }).from(orderRefundTable).where(and(eq(orderRefundTable.orderId, order.id), eq(orderRefundTable.key, input.key)));
  if (seen) return;
  if (!isConfirmed(order.status) || !order.period) throw conflict(`Only a paid order can be refunded; this one is ${order.status}`, { currentStatus: order.status });
  const total = new Dec(order.total);
  const previous = new Dec(order.refundedAmount);
  const refunded = input.refundedTotal;
  if (refunded.lte(previous)) return;
  if (refunded.gt(total) || refunded.decimalPlaces() > 2) throw refused(`The refunded total must be at most the order's total, ${total.toFixed(2)} ${order.currency}, in cents`);

  const plan = await getPlan(tx);
  const periodClosed = (await holdPeriod(tx, order.period, { firstLock: treeShapeShared })) === "closed";
  const settlePeriod = periodClosed ? (await assignPeriod(tx, input.at)).period : null;
  const amount = refunded.minus(previous);
  await tx.insert(orderRefundTable).values({
    key: input.key,
    orderId: order.id,
    amount: amount.toFixed(2),
    refundedTotal: refunded.toFixed(2),
    fraction: amount.dividedBy(total).toDecimalPlaces(12).toFixed(),
    orderPeriod: order.period,
    periodClosed,
    settlePeriod,
    createdAt: input.at,
  });
  await tx
    .update(orderTable)
    .set({ refundedAmount: refunded.toFixed(2), status: refunded.eq(total) ? "refunded" : "partially_refunded", updatedAt: now() })
    .where(eq(orderTable.id, order.id));

  const pv = new Dec(order.pv);
  const reversed = refundedShare(pv, refunded, total).minus(refundedShare(pv, previous, total));
  if (!periodClosed && reversed.gt(0)) {
    const buyer = await addVolume(tx, { memberId: order.memberId, orderId: order.id, period: order.period, pv: reversed.negated(), at: input.at });
    await revokeEarnedCashback(tx, plan, { orderId: order.id, buyerPv: new Dec(buyer.pv), at: input.at });
  }
  await revokeInstantBonuses(tx, { orderId: order.id, refunded, total, key: input.key });
}
