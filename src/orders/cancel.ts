import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { conflict, notFound } from "../errors";
import { cancelOrderIntent } from "../payments/intents";
import { endPendingOrder } from "./holds";
import { orderTable } from "./orders.sql";
import type { OrderView } from "./schemas";
import { orderView } from "./views";

/**
 * `POST /api/orders/{id}/cancel`: the owner gives up a pending_payment order. Its PaymentIntent is
 * cancelled at Stripe first (outside any transaction, idempotently): if Stripe says the payment
 * already succeeded or is processing, the order stays as it is (409) and the webhook confirms it.
 * Then the order is cancelled under its row lock, releasing its kit claim and cashback credit.
 */
export async function cancelOrder(db: Database, memberId: number, orderId: number): Promise<OrderView> {
  const [order] = await db
    .select({ status: orderTable.status, paymentIntentId: orderTable.paymentIntentId })
    .from(orderTable)
    .where(and(eq(orderTable.id, orderId), eq(orderTable.memberId, memberId)));
  if (!order) throw notFound("Order");
  if (order.status !== "pending_payment") throw conflict(`Order ${orderId} is ${order.status}; only an order awaiting payment can be cancelled`, { currentStatus: order.status });
  if (order.paymentIntentId) {
    const paymentStatus = await cancelOrderIntent(orderId, order.paymentIntentId);
    if (paymentStatus !== "canceled") {
      throw conflict(`The payment of order ${orderId} is ${paymentStatus === "succeeded" ? "already captured" : "being processed"}; it cannot be cancelled`, {
        currentStatus: order.status,
        paymentStatus,
      });
    }
  }
  const ended = await db.transaction((tx) => endPendingOrder(tx, orderId, "cancelled"));
  if (!ended.ended) throw conflict(`Order ${orderId} is ${ended.status}; only an order awaiting payment can be cancelled`, { currentStatus: ended.status });
  return orderView(db, orderId);
}
