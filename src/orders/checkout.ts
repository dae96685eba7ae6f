import { and, eq, isNull } from "drizzle-orm";
import { now } from "../clock";
import type { Database } from "../db/client";
import { AppError, conflict } from "../errors";
import { idempotent, storeResponse } from "../http/idempotency";
import { currencyTable } from "../plan/plan.sql";
import { cancelOrderIntent, createOrderIntent, isUpstreamFailure, orderIntent, type OrderIntent } from "../payments/intents";
import { createOrder, type Buyer } from "./create-order";
import { endPendingOrder } from "./holds";
import { orderTable } from "./orders.sql";
import type { CheckoutInput, CheckoutResponse } from "./schemas";
import { orderView } from "./views";
import { payFromWallet } from "./wallet-payment";

/**
 * What the Idempotency-Key stores for a checkout. A card checkout finishes outside the order's
 * transaction (the Stripe call must not hold locks), so the record moves from awaiting_intent to
 * created or failed; a replay resumes or repeats from where it stands. The client secret is never
 * stored: a replay fetches it from Stripe.
 */
type CheckoutRecord =
  | { stage: "awaiting_intent"; orderId: number }
  | { stage: "created"; orderId: number; response: CheckoutResponse }
  | { stage: "failed"; orderId: number };

const PROVIDER_DOWN = "The payment provider could not be reached at checkout";
const providerDown = (orderId: number) => new AppError("upstream_unavailable", `${PROVIDER_DOWN}; order ${orderId} was not charged. Check out again.`, { retryAfter: 5 });

/**
 * `POST /api/checkout`. Wallet: one transaction creates, pays and confirms the order. Card: the
 * pending order commits first, then its PaymentIntent is created (idempotent at Stripe by the
 * order's key) and stored; if Stripe fails, the order becomes payment_failed (kit and cashback
 * released) so nothing can ever confirm it, and the answer is 503.
 */
export async function checkout(db: Database, buyer: Buyer, input: CheckoutInput, idempotencyKey: string | undefined): Promise<CheckoutResponse> {
  const scope = `checkout:${buyer.memberId}`;
  const first = await idempotent(db, { scope, key: idempotencyKey, payload: input }, async (tx) => {
    const orderId = await createOrder(tx, buyer, input);
    if (input.paymentMethod === "card") return { status: 201, body: { stage: "awaiting_intent", orderId } satisfies CheckoutRecord };
    await payFromWallet(tx, orderId);
    const response: CheckoutResponse = { order: await orderView(tx, orderId), payment: { provider: "wallet" } };
    return { status: 201, body: { stage: "created", orderId, response } satisfies CheckoutRecord };
  });
  const keep = async (record: CheckoutRecord) => {
    if (idempotencyKey !== undefined) await storeResponse(db, { scope, key: idempotencyKey }, { status: 201, body: record });
  };
  const record = first.body as CheckoutRecord;
  switch (record.stage) {
    case "created":
      return record.response.payment.provider === "stripe" ? withClientSecret(record.response, await orderIntent(record.response.payment.paymentIntentId)) : record.response;
    case "failed":
      throw providerDown(record.orderId);
    case "awaiting_intent":
      return startCardPayment(db, buyer, record.orderId, keep);
  }
}

const withClientSecret = (response: CheckoutResponse, intent: OrderIntent): CheckoutResponse => ({
  ...response,
  payment: { provider: "stripe", paymentIntentId: intent.id, clientSecret: intent.clientSecret },
});

async function startCardPayment(db: Database, buyer: Buyer, orderId: number, keep: (record: CheckoutRecord) => Promise<void>): Promise<CheckoutResponse> {
  const [order] = await db
    .select({ status: orderTable.status, total: orderTable.total, currency: orderTable.currency, decimals: currencyTable.decimals, paymentIntentId: orderTable.paymentIntentId })
    .from(orderTable)
    .innerJoin(currencyTable, eq(currencyTable.code, orderTable.currency))
    .where(eq(orderTable.id, orderId));
  let intent: OrderIntent;
  if (order!.paymentIntentId) {
    intent = await orderIntent(order!.paymentIntentId);
  } else {
    if (order!.status !== "pending_payment") return refuseEnded(orderId, order!.status);
    try {
      intent = await createOrderIntent({ id: orderId, memberCode: buyer.memberCode, total: order!.total, currency: order!.currency.trim(), decimals: order!.decimals });
    } catch (error) {
      if (!isUpstreamFailure(error)) throw error;
      await db.transaction((tx) => endPendingOrder(tx, orderId, "payment_failed", PROVIDER_DOWN));
      await keep({ stage: "failed", orderId });
      throw providerDown(orderId);
    }
    await saveIntent(db, orderId, intent);
  }
  const response: CheckoutResponse = { order: await orderView(db, orderId), payment: { provider: "stripe", paymentIntentId: intent.id, clientSecret: "" } };
  await keep({ stage: "created", orderId, response });
  return withClientSecret(response, intent);
}

/**
 * Stores the intent on the order while it is still pending. If the member cancelled it meanwhile,
 * the new intent is cancelled at Stripe too, so no one can pay for a cancelled order.
 */
async function saveIntent(db: Database, orderId: number, intent: OrderIntent): Promise<void> {
  const saved = await db
    .update(orderTable)
    .set({ paymentIntentId: intent.id, updatedAt: now() })
    .where(and(eq(orderTable.id, orderId), eq(orderTable.status, "pending_payment"), isNull(orderTable.paymentIntentId)))
    .returning({ id: orderTable.id });
  if (saved.length > 0) return;
  const [current] = await db.select({ status: orderTable.status, paymentIntentId: orderTable.paymentIntentId }).from(orderTable).where(eq(orderTable.id, orderId));
  // A concurrent replay of the same checkout stored the same intent (Stripe answered both with it).
  if (current!.paymentIntentId === intent.id) return;
  await cancelOrderIntent(orderId, intent.id);
  return refuseEnded(orderId, current!.status);
}

function refuseEnded(orderId: number, status: string): never {
  if (status === "payment_failed") throw providerDown(orderId);
  throw conflict(`Order ${orderId} is ${status}; its payment cannot start`, { currentStatus: status });
}
