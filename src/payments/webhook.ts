import { eq } from "drizzle-orm";
import { confirmationLocks } from "../confirmation/confirm-payment";
import type { Database } from "../db/client";
import { orderTable, type StripeEventOutcome } from "../orders/orders.sql";
import { applyPaymentEvent, type EventContext } from "./apply-event";
import { isHandled, parsePaymentEvent, type PaymentEvent } from "./events";
import { claimEvent, recordOutcome } from "./inbox";
import { cancelOrderIntent } from "./intents";
import { intentIdOf, orderIdOf } from "./resolve";
import { verifiedEvent } from "./stripe";

export interface WebhookResult {
  eventId: string;
  /** duplicate: recorded before, nothing done; unhandled: a type we do not act on. */
  outcome: StripeEventOutcome | "duplicate" | "unhandled";
}

/**
 * `POST /api/webhooks/stripe`: verifies the signature over the raw body (400 when bad or stale),
 * finds the order (asking Stripe if needed, before any lock), then in ONE transaction records the
 * event id, locks the order and applies the event: exactly once, whatever Stripe redelivers or reorders.
 */
export async function receiveStripeEvent(db: Database, rawBody: string, signature: string | null): Promise<WebhookResult> {
  const verified = await verifiedEvent(rawBody, signature);
  if (!isHandled(verified.type)) return { eventId: verified.id, outcome: "unhandled" };
  const event = parsePaymentEvent(verified, verified.type);
  const intentId = await intentIdOf(event);
  const orderId = await orderIdOf(db, event, intentId);
  const context = orderId === null ? {} : await stopFailedIntent(db, event, orderId);
  // A success takes its confirmation's shared locks in the claim's statement, after the order's.
  const thenLock = event.type === "payment_intent.succeeded" ? confirmationLocks(event.createdAt) : undefined;
  const outcome = await db.transaction(async (tx) => {
    const claim = await claimEvent(tx, { id: event.eventId, type: event.type, created: event.createdAt, payload: verified }, orderId, thenLock);
    if (!claim.claimed) return "duplicate";
    const { order } = claim;
    const result = order
      ? await applyPaymentEvent(tx, { ...event, intentId }, order, { ...context, confirmationLocked: thenLock !== undefined })
      : { outcome: "ignored" as const, detail: "No order of ours" };
    if (result.outcome !== "applied" || result.detail !== null) await recordOutcome(tx, event.eventId, result);
    return result.outcome;
  });
  return { eventId: event.eventId, outcome };
}

/**
 * A failed attempt leaves the intent payable with another card; the order gives up instead (its
 * kit and cashback are released), so the intent is cancelled at Stripe first: it can then never
 * succeed for an order that no longer waits. Stripe refuses when the intent has meanwhile succeeded
 * or is processing; that status makes the failure stale. Unreachable Stripe: 503, Stripe retries.
 */
async function stopFailedIntent(db: Database, event: PaymentEvent, orderId: number): Promise<EventContext> {
  if (event.type !== "payment_intent.payment_failed" || event.intentId === null) return {};
  const [order] = await db.select({ status: orderTable.status, paymentIntentId: orderTable.paymentIntentId }).from(orderTable).where(eq(orderTable.id, orderId));
  if (order?.status !== "pending_payment" || order.paymentIntentId !== event.intentId) return {};
  return { intentStatus: await cancelOrderIntent(orderId, event.intentId) };
}
