import { and, asc, eq } from "drizzle-orm";
import { writeAudit } from "../audit/audit";
import { now } from "../clock";
import { confirmPayment } from "../confirmation/confirm-payment";
import { applyRefund } from "../confirmation/refund";
import type { Database } from "../db/client";
import { Dec } from "../money/decimal";
import { endPendingOrder } from "../orders/holds";
import { isConfirmed, orderTable, stripeEventTable, type DisputeStatus } from "../orders/orders.sql";
import { isHandled, parsePaymentEvent, type PaymentEvent } from "./events";
import { lockOrder, recordOutcome, type EventResult, type LockedOrder } from "./inbox";
import { fromMinorUnits, toMinorUnits } from "./intents";

// The order's payment state machine driven by Stripe events (SPEC.md section 7), applied under the
// order's row lock. Out of order: a refund or dispute that arrives before the success is deferred
// and applied right after it; a success after the order ended is left to staff, never revives it;
// a failure after the success is ignored; refund totals are cumulative, so an older one is stale.

const result = (outcome: EventResult["outcome"], detail: string | null = null): EventResult => ({ outcome, detail });
const counts = (order: LockedOrder) => isConfirmed(order.status);

/** Context found before the transaction: the status Stripe gave a failed intent we tried to cancel. */
export interface EventContext {
  intentStatus?: string;
  /** The claim took the confirmationLocks of a success event's instant after the order's lock. */
  confirmationLocked?: boolean;
}

export async function applyPaymentEvent(tx: Database, event: PaymentEvent, order: LockedOrder, context: EventContext = {}): Promise<EventResult> {
  switch (event.type) {
    case "payment_intent.succeeded":
      return onSucceeded(tx, event, order, context);
    case "payment_intent.payment_failed":
      return onFailed(tx, event, order, context);
    case "charge.refunded":
      return onRefunded(tx, event, order);
    case "charge.dispute.created":
    case "charge.dispute.closed":
      return onDispute(tx, event, order);
  }
}

/** Money moved that the order cannot take on its own: recorded for staff, with an audit row. */
async function needsReview(tx: Database, event: PaymentEvent, order: LockedOrder, detail: string): Promise<EventResult> {
  await writeAudit(tx, {
    actorId: null,
    action: "stripe.needs_review",
    entityType: "order",
    entityId: order.id,
    before: { status: order.status, paymentMethod: order.paymentMethod, paymentIntentId: order.paymentIntentId },
    after: { eventId: event.eventId, type: event.type, intentId: event.intentId, detail },
  });
  return result("needs_review", detail);
}

async function onSucceeded(tx: Database, event: Extract<PaymentEvent, { type: "payment_intent.succeeded" }>, order: LockedOrder, context: EventContext): Promise<EventResult> {
  if (counts(order) && order.paymentMethod === "card" && order.paymentIntentId === event.intentId) return result("ignored", "Already confirmed");
  if (order.paymentIntentId !== null && order.paymentIntentId !== event.intentId) {
    return needsReview(tx, event, order, `Paid through ${event.intentId}, but the order's payment is ${order.paymentIntentId}: refund the extra payment`);
  }
  if (order.status !== "pending_payment") {
    const why = counts(order)
      ? `The order was already paid (${order.paymentMethod}); this card payment is a second one: refund it`
      : `The card payment succeeded after the order was ${order.status}; the order is not revived (its kit and cashback were released): refund the payment`;
    return needsReview(tx, event, order, why);
  }
  const expected = toMinorUnits(order.total, order.decimals);
  if (event.currency !== order.currency || event.amount !== expected) {
    return needsReview(tx, event, order, `Received ${event.amount} ${event.currency} minor units; the order's total is ${expected} ${order.currency} minor units`);
  }
  if (order.paymentIntentId === null) await tx.update(orderTable).set({ paymentIntentId: event.intentId }).where(eq(orderTable.id, order.id));
  const { outcome } = await confirmPayment(tx, { orderId: order.id, confirmedAt: event.createdAt, locked: order, locksHeld: context.confirmationLocked });
  if (outcome !== "confirmed") throw new Error(`order ${order.id} was pending under lock, yet confirmPayment answered ${outcome}`);
  if (order.hasDeferred) await applyDeferred(tx, order.id);
  return result("applied");
}

async function onFailed(tx: Database, event: Extract<PaymentEvent, { type: "payment_intent.payment_failed" }>, order: LockedOrder, context: EventContext): Promise<EventResult> {
  if (order.status !== "pending_payment") return result("ignored", `The order is ${order.status}`);
  if (order.paymentIntentId !== event.intentId) return result("ignored", "Not the order's current payment");
  if (context.intentStatus !== undefined && context.intentStatus !== "canceled") return result("ignored", `Superseded: the payment is now ${context.intentStatus}`);
  await endPendingOrder(tx, order.id, "payment_failed", event.reason);
  return result("applied");
}

async function onRefunded(tx: Database, event: Extract<PaymentEvent, { type: "charge.refunded" }>, order: LockedOrder): Promise<EventResult> {
  if (order.status === "pending_payment") return result("deferred", "Waiting for the payment to succeed");
  if (!counts(order)) return result("ignored", `The order never counted (${order.status})`);
  if (event.intentId !== null && event.intentId !== order.paymentIntentId) return needsReview(tx, event, order, `A refund of ${event.intentId}, which is not the order's payment`);
  if (event.currency !== order.currency) return needsReview(tx, event, order, `A refund in ${event.currency} of an order in ${order.currency}`);
  const refunded = fromMinorUnits(event.amountRefunded, order.decimals);
  if (refunded.lessThanOrEqualTo(order.refundedAmount)) return result("ignored", `Stale: ${order.refundedAmount} ${order.currency} was already refunded`);
  if (refunded.greaterThan(order.total)) return needsReview(tx, event, order, `Refunded ${refunded.toFixed(2)} ${order.currency}, more than the order's total`);
  await applyRefund(tx, { orderId: order.id, refundedTotal: refunded, at: now(), key: event.eventId });
  return result("applied");
}

const CLOSED_AS: Record<string, DisputeStatus> = { won: "won", lost: "lost", warning_closed: "closed" };

async function onDispute(tx: Database, event: Extract<PaymentEvent, { type: "charge.dispute.created" | "charge.dispute.closed" }>, order: LockedOrder): Promise<EventResult> {
  if (order.status === "pending_payment") return result("deferred", "Waiting for the payment to succeed");
  if (!counts(order)) return result("ignored", `The order never counted (${order.status})`);
  const status = event.type === "charge.dispute.created" ? "open" : CLOSED_AS[event.disputeStatus];
  if (!status) return result("ignored", `A dispute closed as ${event.disputeStatus}`);
  await tx.update(orderTable).set({ disputeStatus: status, updatedAt: now() }).where(eq(orderTable.id, order.id));
  // A lost dispute took the whole payment back: the order is reversed like a full refund.
  if (status === "lost" && new Dec(order.refundedAmount).lessThan(order.total)) {
    await applyRefund(tx, { orderId: order.id, refundedTotal: new Dec(order.total), at: now(), key: event.eventId });
  }
  return result("applied");
}

/** Events that arrived before the success, applied now in the order Stripe created them. */
async function applyDeferred(tx: Database, orderId: number): Promise<void> {
  const waiting = await tx
    .select({ id: stripeEventTable.id, type: stripeEventTable.type, payload: stripeEventTable.payload })
    .from(stripeEventTable)
    .where(and(eq(stripeEventTable.orderId, orderId), eq(stripeEventTable.outcome, "deferred")))
    .orderBy(asc(stripeEventTable.stripeCreatedAt), asc(stripeEventTable.id));
  for (const row of waiting) {
    if (!isHandled(row.type)) continue;
    const order = await lockOrder(tx, orderId);
    await recordOutcome(tx, row.id, await applyPaymentEvent(tx, parsePaymentEvent(row.payload, row.type), order!));
  }
}
