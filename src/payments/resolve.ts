import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { orderTable } from "../orders/orders.sql";
import { orderIdFromMetadata, type PaymentEvent } from "./events";
import { retrieveCharge, retrieveIntent } from "./intents";

// Which order an event is about. Runs before the event's transaction: it may ask Stripe, and a
// Stripe call never runs while database locks are held.

/** The intent's id of a charge or dispute event, asking Stripe for the charge when the event lacks it. */
export async function intentIdOf(event: PaymentEvent): Promise<string | null> {
  if (event.intentId || !("chargeId" in event)) return event.intentId;
  const charge = await retrieveCharge(event.chargeId);
  const intent = charge.payment_intent;
  return typeof intent === "string" ? intent : (intent?.id ?? null);
}

/**
 * The order an event concerns: the PaymentIntent's metadata.orderId when the event carries it,
 * else the order that stored the intent, else the intent's metadata as Stripe has it now (an
 * order whose intent id was never stored, e.g. the checkout stopped right after creating it).
 * Null: not one of our orders (another integration on the same Stripe account).
 */
export async function orderIdOf(db: Database, event: PaymentEvent, intentId: string | null): Promise<number | null> {
  if (event.orderId !== null) return event.orderId;
  if (!intentId) return null;
  const [stored] = await db.select({ id: orderTable.id }).from(orderTable).where(eq(orderTable.paymentIntentId, intentId));
  if (stored) return stored.id;
  return orderIdFromMetadata((await retrieveIntent(intentId)).metadata);
}
