import * as v from "valibot";
import { AppError } from "../errors";
import { fieldErrors } from "../http/validate";

// The Stripe events the back office acts on, parsed from a verified event into the few fields it
// uses. The payload is trusted for ids and amounts only because its signature verified; anything
// else about the order is read from our own rows under lock.

export const HANDLED_EVENT_TYPES = [
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "charge.refunded",
  "charge.dispute.created",
  "charge.dispute.closed",
] as const;
export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];

interface Common {
  eventId: string;
  /** When Stripe created the event: a succeeded payment's confirmation instant. */
  createdAt: Date;
  intentId: string | null;
  /** From the object's metadata when it carries it (our PaymentIntents do). */
  orderId: number | null;
}

export type PaymentEvent = Common &
  (
    | { type: "payment_intent.succeeded"; amount: number; currency: string }
    | { type: "payment_intent.payment_failed"; reason: string }
    | { type: "charge.refunded"; chargeId: string; amountRefunded: number; currency: string }
    | { type: "charge.dispute.created" | "charge.dispute.closed"; chargeId: string; disputeStatus: string }
  );

const id = (prefix: RegExp) => v.pipe(v.string(), v.regex(prefix));
const minor = v.pipe(v.number(), v.integer(), v.minValue(0));
const currency = v.pipe(v.string(), v.regex(/^[a-zA-Z]{3}$/), v.toUpperCase());
const metadata = v.optional(v.nullable(v.record(v.string(), v.string())));
/** An expandable reference: an id, or the object when expanded. */
const reference = (prefix: RegExp) => v.nullish(v.union([id(prefix), v.pipe(v.object({ id: id(prefix) }), v.transform((object) => object.id))]), null);

const intentObject = v.object({
  id: id(/^pi_/),
  object: v.literal("payment_intent"),
  amount_received: minor,
  currency,
  metadata,
  last_payment_error: v.nullish(v.object({ message: v.optional(v.string()), code: v.optional(v.string()), decline_code: v.optional(v.string()) })),
});
const chargeObject = v.object({ id: id(/^(ch|py)_/), object: v.literal("charge"), payment_intent: reference(/^pi_/), amount_refunded: minor, currency, metadata });
const disputeObject = v.object({ id: id(/^(dp|du)_/), object: v.literal("dispute"), charge: reference(/^(ch|py)_/), payment_intent: reference(/^pi_/), status: v.string() });

const eventSchema = v.object({
  id: id(/^evt_/),
  created: v.pipe(v.number(), v.integer(), v.minValue(0)),
  data: v.object({ object: v.looseObject({}) }),
});

export const isHandled = (type: string): type is HandledEventType => (HANDLED_EVENT_TYPES as readonly string[]).includes(type);

/** The order id our PaymentIntents carry in metadata; anything else is not one of ours. */
export function orderIdFromMetadata(meta: Record<string, string> | null | undefined): number | null {
  const value = meta?.orderId;
  return value !== undefined && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : null;
}

function parse<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (!result.success) throw new AppError("validation", "The Stripe event is malformed", { errors: fieldErrors(result.issues) });
  return result.output;
}

/** A verified event of a handled type as a PaymentEvent; a malformed one is a 400 (Stripe shows it failed). */
export function parsePaymentEvent(event: unknown, type: HandledEventType): PaymentEvent {
  const envelope = parse(eventSchema, event);
  const common = { eventId: envelope.id, createdAt: new Date(envelope.created * 1000) };
  const object = envelope.data.object;
  switch (type) {
    case "payment_intent.succeeded": {
      const intent = parse(intentObject, object);
      return { ...common, type, intentId: intent.id, orderId: orderIdFromMetadata(intent.metadata), amount: intent.amount_received, currency: intent.currency };
    }
    case "payment_intent.payment_failed": {
      const intent = parse(intentObject, object);
      const error = intent.last_payment_error;
      const reason = error?.message ?? error?.decline_code ?? error?.code ?? "The payment failed";
      return { ...common, type, intentId: intent.id, orderId: orderIdFromMetadata(intent.metadata), reason };
    }
    case "charge.refunded": {
      const charge = parse(chargeObject, object);
      return { ...common, type, chargeId: charge.id, intentId: charge.payment_intent, orderId: orderIdFromMetadata(charge.metadata), amountRefunded: charge.amount_refunded, currency: charge.currency };
    }
    case "charge.dispute.created":
    case "charge.dispute.closed": {
      const dispute = parse(disputeObject, object);
      if (!dispute.charge) throw new AppError("validation", "The Stripe event is malformed", { errors: [{ path: "charge", message: "A dispute names its charge" }] });
      return { ...common, type, chargeId: dispute.charge, intentId: dispute.payment_intent, orderId: null, disputeStatus: dispute.status };
    }
  }
}
