import { eq } from "drizzle-orm";
import { writeAudit } from "../audit/audit";
import { now } from "../clock";
import { confirmPayment } from "../confirmation/confirm-payment";
import type { Database } from "../db/client";
import { conflict, notFound, refused } from "../errors";
import { idempotent } from "../http/idempotency";
import { cancelOrderIntent } from "../payments/intents";
import { orderTable } from "./orders.sql";
import type { ConfirmPaymentInput, OrderView } from "./schemas";
import { orderView } from "./views";

export interface StaffAction {
  actorId: number;
  requestId: string;
}

const notPending = (orderId: number, status: string) => conflict(`Order ${orderId} is ${status}; only an order awaiting payment can be confirmed`, { currentStatus: status });

/**
 * `POST /api/admin/orders/{id}/confirm-payment`: finance confirms an order paid outside Stripe (bank
 * transfer, cash). The order counts from the instant the money was received (its period follows
 * that date; a closed period sends it to the open one). A card order's PaymentIntent is cancelled
 * at Stripe first, so the member cannot pay it a second time; if it already succeeded, 409.
 * Audited in the same transaction as the confirmation.
 */
export async function confirmManually(db: Database, staff: StaffAction, orderId: number, input: ConfirmPaymentInput, idempotencyKey: string | undefined): Promise<OrderView> {
  const receivedAt = new Date(input.receivedAt);
  if (receivedAt > now()) throw refused("The money cannot have been received in the future", [{ path: "receivedAt", message: "Must not be in the future" }]);
  const [order] = await db.select({ status: orderTable.status, paymentIntentId: orderTable.paymentIntentId, createdAt: orderTable.createdAt }).from(orderTable).where(eq(orderTable.id, orderId));
  if (!order) throw notFound("Order");
  if (receivedAt < order.createdAt) throw refused("The money cannot have been received before the order existed", [{ path: "receivedAt", message: `Must be at or after ${order.createdAt.toISOString()}` }]);
  if (order.status === "pending_payment" && order.paymentIntentId) {
    const paymentStatus = await cancelOrderIntent(orderId, order.paymentIntentId);
    if (paymentStatus !== "canceled") throw conflict(`Order ${orderId} is being paid by card (${paymentStatus}); wait for Stripe`, { currentStatus: order.status, paymentStatus });
  }
  const stored = await idempotent(db, { scope: `confirm-payment:${orderId}`, key: idempotencyKey, payload: input }, async (tx) => {
    const [locked] = await tx.select().from(orderTable).where(eq(orderTable.id, orderId)).for("update");
    if (locked!.status !== "pending_payment") throw notPending(orderId, locked!.status);
    await tx.update(orderTable).set({ paymentMethod: "manual", paymentReference: input.reference }).where(eq(orderTable.id, orderId));
    const { outcome } = await confirmPayment(tx, { orderId, confirmedAt: receivedAt, reference: input.reference });
    if (outcome !== "confirmed") throw notPending(orderId, outcome);
    const view = await orderView(tx, orderId);
    await writeAudit(tx, {
      actorId: staff.actorId,
      action: "order.confirm_payment",
      entityType: "order",
      entityId: orderId,
      before: { status: locked!.status, paymentMethod: locked!.paymentMethod },
      after: { status: view.status, period: view.period, paymentMethod: "manual", receivedAt: receivedAt.toISOString(), reference: input.reference },
      requestId: staff.requestId,
    });
    return { status: 200, body: view };
  });
  return stored.body as OrderView;
}
