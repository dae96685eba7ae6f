import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import stripeWebhook from "../../netlify/functions/stripe-webhook";
import { database, query } from "../../src/db/client";
import { periodOf } from "../../src/periods/calendar";
import { chargeDispute, chargeRefunded, paymentFailed, paymentSucceeded, signed, stripeAccount, stripeEvent, useStripeMock } from "../mocks/stripe";
import { createMember } from "../support/fixtures";
import { call } from "../support/http";
import { buyByCard, checkout, commissionLinesOf, deliver, orderRow, stripeEvents, volumeOf } from "./flows";

useStripeMock();

const period = () => periodOf(new Date());

async function pendingKitOrder() {
  const sponsor = await createMember();
  const buyer = await createMember({ sponsorCode: sponsor.memberCode });
  const res = await checkout(buyer, [{ sku: "NN-KIT-SUPPLEMENT", quantity: 1 }]);
  expect(res.status).toBe(201);
  return { sponsor, buyer, orderId: res.body.order.id as number, intentId: res.body.payment.paymentIntentId as string };
}

describe("POST /api/webhooks/stripe: signatures and shape", () => {
  it("refuses a bad, missing or stale signature with 400", async () => {
    const { intentId } = await pendingKitOrder();
    const event = paymentSucceeded(intentId);
    const bad = await deliver(event, { secret: "whsec_someone_else" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    const { rawBody } = signed(event);
    expect((await call(stripeWebhook, { method: "POST", path: "/api/webhooks/stripe", rawBody, headers: { "content-type": "application/json" } })).status).toBe(400);
    const stale = await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.status).toBe(400);
    const tampered = signed(event);
    const res = await call(stripeWebhook, { method: "POST", path: "/api/webhooks/stripe", rawBody: tampered.rawBody.replace('"amount_received":', '"amount_received":1'), headers: tampered.headers });
    expect(res.status).toBe(400);
    expect(await query(await database(), sql`select 1 from stripe_event`)).toHaveLength(0);
  });

  it("accepts a signature within the 300 s tolerance", async () => {
    const { intentId, orderId } = await pendingKitOrder();
    const res = await deliver(paymentSucceeded(intentId), { timestamp: Math.floor(Date.now() / 1000) - 290 });
    expect(res.status).toBe(200);
    expect((await orderRow(orderId)).status).toBe("paid");
  });

  it("answers 400 to a correctly signed malformed event, 200 to types it does not handle", async () => {
    const malformed = await deliver(stripeEvent("payment_intent.succeeded", { id: "pi_123", object: "payment_intent", amount_received: "lots" }));
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.length).toBeGreaterThan(0);
    const unhandled = await deliver(stripeEvent("customer.created", { id: "cus_1", object: "customer" }));
    expect(unhandled).toMatchObject({ status: 200, body: { received: true, outcome: "unhandled" } });
    const wrongType = await call(stripeWebhook, { method: "POST", path: "/api/webhooks/stripe", rawBody: "{}", headers: { "content-type": "text/plain" } });
    expect(wrongType.status).toBe(415);
  });

  it("ignores, but records, a payment that is not one of our orders", async () => {
    const foreign = { id: "pi_foreign", object: "payment_intent" as const, amount_received: 500, currency: "usd", metadata: {} };
    stripeAccount.intents.set("pi_foreign", { ...foreign, amount: 500, status: "succeeded", client_secret: "x", latest_charge: null, automatic_payment_methods: null, description: null, last_payment_error: null, created: 0 });
    const res = await deliver(stripeEvent("payment_intent.succeeded", foreign, { id: "evt_foreign" }));
    expect(res.body).toMatchObject({ outcome: "ignored" });
    expect(await query(await database(), sql`select outcome, order_id from stripe_event where id = 'evt_foreign'`)).toEqual([{ outcome: "ignored", order_id: null }]);
  });
});

describe("exactly once", () => {
  it("applies the same event delivered 10 times at once exactly once", async () => {
    const { sponsor, buyer, orderId, intentId } = await pendingKitOrder();
    const event = paymentSucceeded(intentId);
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(event)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.map((r) => r.body.outcome).sort()).toEqual(["applied", ...Array(9).fill("duplicate")]);
    expect(await volumeOf(buyer.id, period())).toEqual({ pv: "1670.00", pvg: "1670.00" });
    expect((await volumeOf(sponsor.id, period())).pvg).toBe("1670.00");
    const lines = await commissionLinesOf(orderId);
    expect(lines.filter((l) => l.bonusType === "fast_start")).toEqual([expect.objectContaining({ receiverId: sponsor.id, amount: "598.80", currency: "MXN" })]);
    // A later redelivery, and the same success under a new event id, change nothing either.
    expect((await deliver(event)).body.outcome).toBe("duplicate");
    expect((await deliver({ ...event, id: "evt_again_" + orderId })).body.outcome).toBe("ignored");
    expect(await volumeOf(buyer.id, period())).toEqual({ pv: "1670.00", pvg: "1670.00" });
  });

  it("holds a refund that arrives before the success and applies it right after", async () => {
    const { buyer, sponsor, orderId, intentId } = await pendingKitOrder();
    const success = paymentSucceeded(intentId);
    const refund = chargeRefunded(intentId, 199600);
    expect((await deliver(refund)).body.outcome).toBe("deferred");
    expect((await orderRow(orderId)).status).toBe("pending_payment");
    expect((await deliver(success)).body.outcome).toBe("applied");
    expect(await orderRow(orderId)).toMatchObject({ status: "refunded", refundedAmount: "1996.00" });
    expect((await stripeEvents(orderId)).map((e) => [e.type, e.outcome])).toEqual([
      ["charge.refunded", "applied"],
      ["payment_intent.succeeded", "applied"],
    ]);
    expect(await volumeOf(buyer.id, period())).toEqual({ pv: "0.00", pvg: "0.00" });
    expect((await volumeOf(sponsor.id, period())).pvg).toBe("0.00");
    expect((await commissionLinesOf(orderId)).filter((l) => l.bonusType === "fast_start").map((l) => l.status)).toEqual(["cancelled"]);
  });

  it("treats an older cumulative refund arriving late as stale", async () => {
    const { orderId, intentId } = await pendingKitOrder();
    await deliver(paymentSucceeded(intentId));
    const first = chargeRefunded(intentId, 50000);
    const second = chargeRefunded(intentId, 99800);
    expect((await deliver(second)).body.outcome).toBe("applied");
    expect((await deliver(first)).body.outcome).toBe("ignored");
    expect(await orderRow(orderId)).toMatchObject({ status: "partially_refunded", refundedAmount: "998.00" });
  });
});

describe("payment failures and cancellations", () => {
  it("fails the order, cancels its intent and frees the kit; a failure after the success is ignored", async () => {
    const { buyer, orderId, intentId } = await pendingKitOrder();
    const res = await deliver(paymentFailed(intentId, "Your card has insufficient funds."));
    expect(res.body.outcome).toBe("applied");
    expect(await orderRow(orderId)).toMatchObject({ status: "payment_failed", paymentError: "Your card has insufficient funds." });
    expect(stripeAccount.intents.get(intentId)!.status).toBe("canceled");
    expect((await checkout(buyer, [{ sku: "NN-KIT-SUPPLEMENT", quantity: 1 }])).status).toBe(201);

    const paid = await pendingKitOrder();
    await deliver(paymentSucceeded(paid.intentId));
    expect((await deliver(paymentFailed(paid.intentId))).body.outcome).toBe("ignored");
    expect((await orderRow(paid.orderId)).status).toBe("paid");
  });

  it("ignores a failure whose intent meanwhile succeeded (the success event is on its way)", async () => {
    const { orderId, intentId } = await pendingKitOrder();
    const failure = paymentFailed(intentId);
    const success = paymentSucceeded(intentId);
    expect((await deliver(failure)).body).toMatchObject({ outcome: "ignored" });
    expect((await orderRow(orderId)).status).toBe("pending_payment");
    expect((await deliver(success)).body.outcome).toBe("applied");
  });

  it("records a success after cancellation for staff and does not revive the order", async () => {
    const { orderId, intentId } = await pendingKitOrder();
    await (await database()).execute(sql`update orders set status = 'cancelled' where id = ${orderId}`);
    const res = await deliver(paymentSucceeded(intentId));
    expect(res.body.outcome).toBe("needs_review");
    expect((await orderRow(orderId)).status).toBe("cancelled");
    const [event] = await stripeEvents(orderId);
    expect(event!.detail).toMatch(/succeeded after the order was cancelled.*refund/);
    const audit = await query<{ action: string }>(await database(), sql`select action from audit_log where entity_type = 'order' and entity_id = ${String(orderId)}`);
    expect(audit).toEqual([{ action: "stripe.needs_review" }]);
    expect(await commissionLinesOf(orderId)).toEqual([]);
  });

  it("does not confirm a payment whose amount differs from the order's total", async () => {
    const { orderId, intentId } = await pendingKitOrder();
    const res = await deliver(paymentSucceeded(intentId, { amount: 100 }));
    expect(res.body.outcome).toBe("needs_review");
    expect((await orderRow(orderId)).status).toBe("pending_payment");
  });
});

describe("refunds and disputes", () => {
  it("reverses a partial refund proportionally", async () => {
    const sponsor = await createMember({ country: "US" });
    const buyer = await createMember({ sponsorCode: sponsor.memberCode, country: "MX" });
    const { orderId, intentId } = await buyByCard(buyer, [{ sku: "NN-P04", quantity: 4 }]);
    // 4 x 349.30 = 1,397.20 MXN; refund one unit (349.30): a quarter.
    expect((await deliver(chargeRefunded(intentId, 34930))).body.outcome).toBe("applied");
    expect(await orderRow(orderId)).toMatchObject({ status: "partially_refunded", refundedAmount: "349.30" });
    expect(await volumeOf(buyer.id, period())).toEqual({ pv: "879.00", pvg: "879.00" });
    // Direct: 25% of 1,172 MXN VN = 293.00 MXN x 0.054 = 15.82 USD; a quarter revoked: 3.955 -> 3.96.
    const [direct] = await commissionLinesOf(orderId);
    expect(direct).toMatchObject({ bonusType: "direct", receiverId: sponsor.id, amount: "15.82", currency: "USD", status: "pending" });
    expect(direct!.revokedAmount).toMatch(/^3\.9[56]$/);
  });

  it("records a dispute, and a lost dispute refunds the order in full (found through the charge when the event lacks the intent)", async () => {
    const { orderId, intentId } = await pendingKitOrder();
    await deliver(paymentSucceeded(intentId));
    expect((await deliver(chargeDispute(intentId, "charge.dispute.created", "needs_response", { withIntent: false }))).body.outcome).toBe("applied");
    expect((await orderRow(orderId)).disputeStatus).toBe("open");
    expect(stripeAccount.requests.some((r) => r.path.startsWith("/v1/charges/"))).toBe(true);
    expect((await deliver(chargeDispute(intentId, "charge.dispute.closed", "lost"))).body.outcome).toBe("applied");
    expect(await orderRow(orderId)).toMatchObject({ disputeStatus: "lost", status: "refunded", refundedAmount: "1996.00" });
  });

  it("marks a won dispute and keeps the order paid; a dispute before the success waits for it", async () => {
    const { orderId, intentId } = await pendingKitOrder();
    const opened = chargeDispute(intentId, "charge.dispute.created", "needs_response");
    expect((await deliver(opened)).body.outcome).toBe("deferred");
    await deliver(paymentSucceeded(intentId));
    expect((await orderRow(orderId)).disputeStatus).toBe("open");
    expect((await deliver(chargeDispute(intentId, "charge.dispute.closed", "won"))).body.outcome).toBe("applied");
    expect(await orderRow(orderId)).toMatchObject({ status: "paid", disputeStatus: "won", refundedAmount: "0.00" });
  });
});
