import { randomBytes } from "node:crypto";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll } from "vitest";
import { resetEnv } from "../../src/config/env";
import { resetStripe } from "../../src/payments/stripe";

// The Stripe API as tests see it: one msw handler module (override per test with
// `stripeServer.use(...)`), an in-memory account (intents, charges), Stripe's idempotency-key
// replay, and builders of signed webhook events made with the SDK's own test helper.

export const STRIPE_URL = "http://stripe.mock";
const WEBHOOK_SECRET = "whsec_test_secret";

export interface MockIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  currency: string;
  status: Stripe.PaymentIntent.Status;
  client_secret: string;
  metadata: Record<string, string>;
  latest_charge: string | null;
  automatic_payment_methods: { enabled: boolean } | null;
  description: string | null;
  last_payment_error: { message: string; code: string } | null;
  created: number;
}

export interface MockCharge {
  id: string;
  object: "charge";
  amount: number;
  amount_refunded: number;
  currency: string;
  payment_intent: string;
  refunded: boolean;
  metadata: Record<string, string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  params: Record<string, string>;
}

/** The mock account's state; reset between tests by useStripeMock. */
export const stripeAccount = {
  intents: new Map<string, MockIntent>(),
  charges: new Map<string, MockCharge>(),
  replays: new Map<string, unknown>(),
  requests: [] as RecordedRequest[],
  reset() {
    this.intents.clear();
    this.charges.clear();
    this.replays.clear();
    this.requests.length = 0;
  },
};

const randomId = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const seconds = (date = new Date()) => Math.floor(date.getTime() / 1000);
const stripeError = (status: number, code: string, message: string) => HttpResponse.json({ error: { type: "invalid_request_error", code, message } }, { status });

async function recorded(request: Request, path: string): Promise<RecordedRequest> {
  const entry = { method: request.method, path, idempotencyKey: request.headers.get("idempotency-key"), params: Object.fromEntries(new URLSearchParams(await request.text())) };
  stripeAccount.requests.push(entry);
  return entry;
}

/** Stripe answers a repeated idempotency key with the first (successful) response. */
function idempotently(entry: RecordedRequest, work: () => unknown) {
  const key = entry.idempotencyKey && `${entry.path}:${entry.idempotencyKey}`;
  if (key && stripeAccount.replays.has(key)) return HttpResponse.json(stripeAccount.replays.get(key) as object);
  const body = work();
  if (key) stripeAccount.replays.set(key, structuredClone(body));
  return HttpResponse.json(body as object);
}

export const stripeHandlers = [
  http.post(`${STRIPE_URL}/v1/payment_intents`, async ({ request }) => {
    const entry = await recorded(request, "/v1/payment_intents");
    return idempotently(entry, () => {
      const { params } = entry;
      const id = randomId("pi");
      const metadata = Object.fromEntries(Object.entries(params).flatMap(([key, value]) => (key.startsWith("metadata[") ? [[key.slice(9, -1), value]] : [])));
      const intent: MockIntent = {
        id,
        object: "payment_intent",
        amount: Number(params.amount),
        amount_received: 0,
        currency: params.currency!,
        status: "requires_payment_method",
        client_secret: `${id}_secret_${randomBytes(8).toString("hex")}`,
        metadata,
        latest_charge: null,
        automatic_payment_methods: params["automatic_payment_methods[enabled]"] === "true" ? { enabled: true } : null,
        description: params.description ?? null,
        last_payment_error: null,
        created: seconds(),
      };
      stripeAccount.intents.set(id, intent);
      return intent;
    });
  }),
  http.get(`${STRIPE_URL}/v1/payment_intents/:id`, async ({ request, params }) => {
    await recorded(request, `/v1/payment_intents/${params.id}`);
    const intent = stripeAccount.intents.get(String(params.id));
    return intent ? HttpResponse.json(intent) : stripeError(404, "resource_missing", "No such payment_intent");
  }),
  http.post(`${STRIPE_URL}/v1/payment_intents/:id/cancel`, async ({ request, params }) => {
    const entry = await recorded(request, `/v1/payment_intents/${params.id}/cancel`);
    const intent = stripeAccount.intents.get(String(params.id));
    if (!intent) return stripeError(404, "resource_missing", "No such payment_intent");
    const replay = entry.idempotencyKey && stripeAccount.replays.get(`${entry.path}:${entry.idempotencyKey}`);
    if (replay) return HttpResponse.json(replay as object);
    if (["succeeded", "processing", "canceled"].includes(intent.status)) {
      return stripeError(400, "payment_intent_unexpected_state", `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`);
    }
    return idempotently(entry, () => Object.assign(intent, { status: "canceled" }));
  }),
  http.get(`${STRIPE_URL}/v1/charges/:id`, async ({ request, params }) => {
    await recorded(request, `/v1/charges/${params.id}`);
    const charge = stripeAccount.charges.get(String(params.id));
    return charge ? HttpResponse.json(charge) : stripeError(404, "resource_missing", "No such charge");
  }),
];

export const stripeServer = setupServer(...stripeHandlers);

/** Stripe fails every call (a 500) until the test's handlers are reset. */
export function stripeDown(): void {
  stripeServer.use(http.all(`${STRIPE_URL}/*`, () => HttpResponse.json({ error: { type: "api_error", message: "Stripe is down" } }, { status: 500 })));
}

/** Points the app's Stripe client at the mock for this test file and resets the account per test. */
export function useStripeMock(): void {
  beforeAll(() => {
    process.env.STRIPE_API_URL = STRIPE_URL;
    resetEnv();
    resetStripe();
    stripeServer.listen({ onUnhandledRequest: "error" });
  });
  afterEach(() => {
    stripeServer.resetHandlers();
    stripeAccount.reset();
  });
  afterAll(() => stripeServer.close());
}

// --- Events -------------------------------------------------------------------------------------

export interface EventOptions {
  /** When Stripe created the event (default: now). A succeeded payment is confirmed at this instant. */
  created?: Date;
  id?: string;
}

export function stripeEvent(type: string, object: object, options: EventOptions = {}) {
  return {
    id: options.id ?? randomId("evt"),
    object: "event",
    api_version: "2026-10-28.endive",
    created: seconds(options.created),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
}

function intentOf(intentId: string): MockIntent {
  const intent = stripeAccount.intents.get(intentId);
  if (!intent) throw new Error(`the mock has no intent ${intentId}`);
  return intent;
}

/** The customer pays: the intent succeeds with a charge; answers payment_intent.succeeded. */
export function paymentSucceeded(intentId: string, options: EventOptions & { amount?: number } = {}) {
  const intent = intentOf(intentId);
  const charge: MockCharge = {
    id: randomId("ch"),
    object: "charge",
    amount: options.amount ?? intent.amount,
    amount_refunded: 0,
    currency: intent.currency,
    payment_intent: intent.id,
    refunded: false,
    metadata: {},
  };
  stripeAccount.charges.set(charge.id, charge);
  Object.assign(intent, { status: "succeeded", amount_received: charge.amount, latest_charge: charge.id });
  return stripeEvent("payment_intent.succeeded", structuredClone(intent), options);
}

/** A declined attempt: the intent asks for another payment method; answers payment_intent.payment_failed. */
export function paymentFailed(intentId: string, message = "Your card was declined.", options: EventOptions = {}) {
  const intent = intentOf(intentId);
  Object.assign(intent, { status: "requires_payment_method", last_payment_error: { message, code: "card_declined" } });
  return stripeEvent("payment_intent.payment_failed", structuredClone(intent), options);
}

/**
 * A refund of the intent's charge; `cumulative` is the charge's amount_refunded after it (minor
 * units), as Stripe reports it. Before the success (out of order), a charge is made up for it.
 */
export function chargeRefunded(intentId: string, cumulative: number, options: EventOptions = {}) {
  const intent = intentOf(intentId);
  const charge = chargeOf(intent);
  Object.assign(charge, { amount_refunded: cumulative, refunded: cumulative >= charge.amount });
  return stripeEvent("charge.refunded", structuredClone(charge), options);
}

/** A dispute on the intent's charge; `withIntent: false` leaves payment_intent out (the webhook asks Stripe for the charge). */
export function chargeDispute(intentId: string, type: "charge.dispute.created" | "charge.dispute.closed", status: string, options: EventOptions & { withIntent?: boolean } = {}) {
  const intent = intentOf(intentId);
  const charge = chargeOf(intent);
  const dispute = { id: randomId("dp"), object: "dispute", amount: charge.amount, currency: charge.currency, charge: charge.id, payment_intent: options.withIntent === false ? null : intent.id, status, reason: "fraudulent" };
  return stripeEvent(type, dispute, options);
}

function chargeOf(intent: MockIntent): MockCharge {
  const existing = intent.latest_charge ? stripeAccount.charges.get(intent.latest_charge) : undefined;
  if (existing) return existing;
  const charge: MockCharge = { id: randomId("ch"), object: "charge", amount: intent.amount, amount_refunded: 0, currency: intent.currency, payment_intent: intent.id, refunded: false, metadata: {} };
  stripeAccount.charges.set(charge.id, charge);
  intent.latest_charge = charge.id;
  return charge;
}

/** The raw body and headers Stripe would send, signed with the SDK's test helper (real clock unless `timestamp`). */
export function signed(event: object, options: { timestamp?: number; secret?: string } = {}): { rawBody: string; headers: Record<string, string> } {
  const rawBody = JSON.stringify(event);
  const header = Stripe.webhooks.generateTestHeaderString({ payload: rawBody, secret: options.secret ?? WEBHOOK_SECRET, timestamp: options.timestamp });
  return { rawBody, headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": header } };
}
