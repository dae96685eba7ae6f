import Stripe from "stripe";
import { AppError } from "../errors";
import { Dec } from "../money/decimal";
import { stripe } from "./stripe";

// Every Stripe write carries an idempotency key derived from the order, so a retry (ours, the
// SDK's, or a replayed request) can never create or cancel twice. None of these may run inside a
// database transaction: a slow provider must not hold row locks.

export interface IntentOrder {
  id: number;
  memberCode: string;
  /** Decimal string in the order's currency. */
  total: string;
  currency: string;
  /** Minor units of the currency (currency.decimals; COP has 2 in Stripe's API too). */
  decimals: number;
}

export interface OrderIntent {
  id: string;
  clientSecret: string;
  status: Stripe.PaymentIntent.Status;
}

/** An amount in the currency's minor units, as Stripe takes it (exact: 2 decimals x 10^2 is whole). */
export function toMinorUnits(amount: string, decimals: number): number {
  const minor = new Dec(amount).times(new Dec(10).pow(decimals));
  if (!minor.isInteger()) throw new Error(`${amount} has more places than the currency's ${decimals}`);
  return minor.toNumber();
}

export function fromMinorUnits(minor: number, decimals: number): Dec {
  return new Dec(minor).dividedBy(new Dec(10).pow(decimals));
}

const intentOf = (intent: Stripe.PaymentIntent): OrderIntent => ({ id: intent.id, clientSecret: intent.client_secret ?? "", status: intent.status });

/** The PaymentIntent of an order: `metadata.orderId` leads the webhook back to the order. */
export async function createOrderIntent(order: IntentOrder): Promise<OrderIntent> {
  return intentOf(
    await upstream(() =>
      stripe().paymentIntents.create(
        {
          amount: toMinorUnits(order.total, order.decimals),
          currency: order.currency.toLowerCase(),
          automatic_payment_methods: { enabled: true },
          description: `NN Protect order ${order.id}`,
          metadata: { orderId: String(order.id), memberCode: order.memberCode },
        },
        { idempotencyKey: `order-${order.id}-intent` },
      ),
    ),
  );
}

export async function retrieveIntent(intentId: string): Promise<Stripe.PaymentIntent> {
  return upstream(() => stripe().paymentIntents.retrieve(intentId));
}

export async function retrieveCharge(chargeId: string): Promise<Stripe.Charge> {
  return upstream(() => stripe().charges.retrieve(chargeId));
}

export async function orderIntent(intentId: string): Promise<OrderIntent> {
  return intentOf(await retrieveIntent(intentId));
}

/**
 * Cancels an order's PaymentIntent so that it can never be paid, and answers its status. An intent
 * Stripe refuses to cancel (it succeeded or is processing) answers that status: the caller must not
 * treat the order as unpaid. Cancelling a cancelled intent answers "canceled".
 */
export async function cancelOrderIntent(orderId: number, intentId: string): Promise<Stripe.PaymentIntent.Status> {
  try {
    const intent = await stripe().paymentIntents.cancel(intentId, {}, { idempotencyKey: `order-${orderId}-cancel` });
    return intent.status;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === "payment_intent_unexpected_state") {
      return (await retrieveIntent(intentId)).status;
    }
    throw upstreamError(error);
  }
}

/** Runs a Stripe call; its failures become 503 upstream_unavailable (the SDK has already retried). */
async function upstream<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw upstreamError(error);
  }
}

function upstreamError(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  // Never echo Stripe's message: it may name our account or request details. Log it for operators.
  console.error(`stripe ${error.type} ${error.statusCode ?? ""} ${error.code ?? ""} request ${error.requestId ?? "-"}`);
  return new AppError("upstream_unavailable", "The payment provider could not be reached; try again shortly", { retryAfter: 5 });
}

export const isUpstreamFailure = (error: unknown) => error instanceof AppError && error.code === "upstream_unavailable";
