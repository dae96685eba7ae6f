import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database, query } from "../../src/db/client";
import { chargeRefunded, stripeAccount, stripeDown, stripeServer, useStripeMock } from "../mocks/stripe";
import { buyByCard, checkout, deliver, fundWallet, orderRow } from "../payments/flows";
import { createMember, staffToken } from "../support/fixtures";
import { call } from "../support/http";
import checkoutFn from "../../netlify/functions/checkout";

useStripeMock();

const count = async (table: string, where: string, id: number) =>
  Number((await query<{ n: string }>(await database(), sql.raw(`select count(*)::text as n from ${table} where ${where} = ${id}`)))[0]!.n);

describe("POST /api/checkout by card", () => {
  it("creates a pending order priced in the buyer's currency and a PaymentIntent in minor units", async () => {
    const buyer = await createMember({ country: "CO" });
    const res = await checkout(buyer, [
      { sku: "NN-P04", quantity: 2 },
      { sku: "nn-p14", quantity: 1 },
    ]);
    expect(res.status).toBe(201);
    const { order, payment } = res.body;
    expect(order).toMatchObject({
      status: "pending_payment",
      period: null,
      currency: "COP",
      subtotal: { amount: "258300.00", currency: "COP" },
      discount: { amount: "0.00", currency: "COP" },
      total: { amount: "258300.00", currency: "COP" },
      pv: "908.00",
      vn: { amount: "209000.00", currency: "COP" },
      paymentMethod: "card",
      paymentConfirmedAt: null,
    });
    expect(order.items).toEqual([
      { sku: "NN-P04", name: "Cúrcuma líquida 15ml", quantity: 2, unitPrice: { amount: "83300.00", currency: "COP" }, pv: "293.00", vn: { amount: "67400.00", currency: "COP" } },
      { sku: "NN-P14", name: "Ácido Hialurónico 30ml", quantity: 1, unitPrice: { amount: "91700.00", currency: "COP" }, pv: "322.00", vn: { amount: "74200.00", currency: "COP" } },
    ]);
    const intent = stripeAccount.intents.get(payment.paymentIntentId)!;
    expect(payment).toEqual({ provider: "stripe", paymentIntentId: intent.id, clientSecret: intent.client_secret });
    expect(intent).toMatchObject({ amount: 25830000, currency: "cop", metadata: { orderId: String(order.id), memberCode: buyer.memberCode }, automatic_payment_methods: { enabled: true } });
    expect(stripeAccount.requests.find((r) => r.path === "/v1/payment_intents")!.idempotencyKey).toBe(`order-${order.id}-intent`);
    expect((await orderRow(order.id)).paymentIntentId).toBe(intent.id);
  });

  it("keeps USD cents exact on the intent", async () => {
    const buyer = await createMember({ country: "US" });
    const res = await checkout(buyer, [{ sku: "NN-P14", quantity: 3 }]);
    expect(res.body.order.total).toEqual({ amount: "69.30", currency: "USD" });
    expect(stripeAccount.intents.get(res.body.payment.paymentIntentId)!.amount).toBe(6930);
  });

  it("refuses bad items with the path of each bad field", async () => {
    const buyer = await createMember();
    const cases: [unknown, number, string][] = [
      [[{ sku: "NN-P04", quantity: 0 }], 400, "items.0.quantity"],
      [[{ sku: "NN-P04", quantity: 100 }], 400, "items.0.quantity"],
      [[{ sku: "NN-P04", quantity: 1.5 }], 400, "items.0.quantity"],
      [[], 400, "items"],
      [[{ sku: "NN-P04", quantity: 1 }, { sku: "nn-p04", quantity: 2 }], 400, "items.1.sku"],
      [[{ sku: "NN-NOPE", quantity: 1 }], 422, "items.0.sku"],
      [[{ sku: "NN-KIT-SKIN", quantity: 2 }], 422, "items.0.quantity"],
      [[{ sku: "NN-KIT-SKIN", quantity: 1 }, { sku: "NN-KIT-PROTECT", quantity: 1 }], 422, "items.1.sku"],
    ];
    for (const [items, status, path] of cases) {
      const res = await call(checkoutFn, { path: "/api/checkout", token: buyer.token, body: { items, paymentMethod: "card" } });
      expect(res.status, JSON.stringify(items)).toBe(status);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const unknownField = await call(checkoutFn, { path: "/api/checkout", token: buyer.token, body: { items: [{ sku: "NN-P04", quantity: 1 }], paymentMethod: "card", price: "1" } });
    expect(unknownField.status).toBe(400);
    const proto = await call(checkoutFn, { path: "/api/checkout", token: buyer.token, rawBody: '{"items":[{"sku":"NN-P04","quantity":1,"__proto__":{"x":1}}],"paymentMethod":"card"}', headers: { "content-type": "application/json" } });
    expect(proto.status).toBe(400);
    expect(await count("orders", "member_id", buyer.id)).toBe(0);
  });

  it("sells only active products", async () => {
    const buyer = await createMember();
    await (await database()).execute(sql`update product set active = false where sku = 'NN-P24'`);
    const res = await checkout(buyer, [{ sku: "NN-P24", quantity: 1 }]);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: "items.0.sku", message: "No active product with this sku is sold in MXN" }]);
    await (await database()).execute(sql`update product set active = true where sku = 'NN-P24'`);
  });

  it("refuses staff-only accounts and anonymous callers", async () => {
    const res = await call(checkoutFn, { path: "/api/checkout", token: await staffToken("finance"), body: { items: [{ sku: "NN-P04", quantity: 1 }], paymentMethod: "card" } });
    expect(res.status).toBe(422);
    expect((await call(checkoutFn, { path: "/api/checkout", body: { items: [{ sku: "NN-P04", quantity: 1 }], paymentMethod: "card" } })).status).toBe(401);
  });

  it("leaves a payment_failed order, no intent and the kit free when Stripe is down", async () => {
    const buyer = await createMember();
    stripeDown();
    const res = await checkout(buyer, [{ sku: "NN-KIT-SKIN", quantity: 1 }], { key: "down-1" });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("retry-after")).toBe("5");
    const [order] = await query<{ id: number; status: string; paymentIntentId: string | null; paymentError: string }>(
      await database(),
      sql`select id, status, payment_intent_id as "paymentIntentId", payment_error as "paymentError" from orders where member_id = ${buyer.id}`,
    );
    expect(order).toMatchObject({ status: "payment_failed", paymentIntentId: null, paymentError: "The payment provider could not be reached at checkout" });
    expect(stripeAccount.intents.size).toBe(0);
    expect(await count("kit_claim", "member_id", buyer.id)).toBe(0);
    // The same key answers the same failure; with Stripe back, a new checkout gets the kit.
    expect((await checkout(buyer, [{ sku: "NN-KIT-SKIN", quantity: 1 }], { key: "down-1" })).status).toBe(503);
    stripeServer.resetHandlers();
    expect((await checkout(buyer, [{ sku: "NN-KIT-SKIN", quantity: 1 }], { key: "down-2" })).status).toBe(201);
  });
});

describe("POST /api/checkout idempotency", () => {
  it("answers a replayed card checkout with the first response: one order, one intent", async () => {
    const buyer = await createMember({ country: "US" });
    const items = [{ sku: "NN-P12", quantity: 2 }];
    const first = await checkout(buyer, items, { key: "card-replay-1" });
    expect(first.status).toBe(201);
    const replays = await Promise.all([1, 2, 3, 4, 5].map(() => checkout(buyer, items, { key: "card-replay-1" })));
    for (const replay of replays) {
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);
    }
    expect(await count("orders", "member_id", buyer.id)).toBe(1);
    expect(stripeAccount.intents.size).toBe(1);
    const other = await checkout(buyer, [{ sku: "NN-P12", quantity: 3 }], { key: "card-replay-1" });
    expect(other.status).toBe(422);
  });

  it("creates one order when the same key races", async () => {
    const buyer = await createMember();
    const results = await Promise.all(Array.from({ length: 8 }, () => checkout(buyer, [{ sku: "NN-P05", quantity: 1 }], { key: "race-1" })));
    const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.order.id));
    expect(ids.size).toBe(1);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(await count("orders", "member_id", buyer.id)).toBe(1);
    expect(stripeAccount.intents.size).toBe(1);
  });
});

describe("starter kits", () => {
  it("refuses a second kit once one is paid, refunded or not", async () => {
    const buyer = await createMember();
    const { intentId } = await buyByCard(buyer, [{ sku: "NN-KIT-SKIN", quantity: 1 }]);
    const second = await checkout(buyer, [{ sku: "NN-KIT-SUPPLEMENT", quantity: 1 }]);
    expect(second).toMatchObject({ status: 422, body: { errors: [{ path: "items.0.sku" }] } });
    expect(second.body.detail).toMatch(/already have a starter kit/);
    await deliver(chargeRefunded(intentId, 259600));
    const afterRefund = await checkout(buyer, [{ sku: "NN-KIT-SUPPLEMENT", quantity: 1 }]);
    expect(afterRefund).toMatchObject({ status: 422, body: { detail: expect.stringMatching(/already have a starter kit/) } });
  });

  it("refuses a second kit while one is pending, and two concurrent kit checkouts get one", async () => {
    const buyer = await createMember();
    const results = await Promise.all([
      checkout(buyer, [{ sku: "NN-KIT-PROTECT", quantity: 1 }]),
      checkout(buyer, [{ sku: "NN-KIT-SUPPLEMENT", quantity: 1 }, { sku: "NN-P04", quantity: 1 }]),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
    const refused = results.find((r) => r.status === 422)!;
    expect(refused.body.detail).toMatch(/awaiting payment/);
    expect(await count("orders", "member_id", buyer.id)).toBe(1);
    // Products alone never need a kit.
    expect((await checkout(buyer, [{ sku: "NN-P04", quantity: 1 }])).status).toBe(201);
  });
});

describe("POST /api/checkout from the wallet", () => {
  it("debits the wallet and confirms at once", async () => {
    const buyer = await createMember();
    await fundWallet(buyer.id, "MXN", "1000.00");
    const res = await checkout(buyer, [{ sku: "NN-P04", quantity: 2 }], { paymentMethod: "wallet" });
    expect(res.status).toBe(201);
    expect(res.body.payment).toEqual({ provider: "wallet" });
    expect(res.body.order).toMatchObject({ status: "paid", total: { amount: "698.60", currency: "MXN" }, paymentMethod: "wallet" });
    expect(res.body.order.period).toMatch(/^\d{4}-\d{2}$/);
    const [balance] = await query<{ balance: string }>(await database(), sql`select balance::text from ledger_account where member_id = ${buyer.id} and kind = 'member_available'`);
    expect(balance!.balance).toBe("301.40");
    expect(stripeAccount.requests).toHaveLength(0);
  });

  it("refuses with 422 and writes nothing when the balance is short", async () => {
    const buyer = await createMember();
    await fundWallet(buyer.id, "MXN", "698.59");
    const entriesBefore = await query<{ n: string }>(await database(), sql`select count(*)::text as n from ledger_entry`);
    const res = await checkout(buyer, [{ sku: "NN-KIT-SUPPLEMENT", quantity: 1 }], { paymentMethod: "wallet", key: "short-1" });
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/Insufficient wallet balance: 698.59 MXN available/);
    expect(await count("orders", "member_id", buyer.id)).toBe(0);
    expect(await count("kit_claim", "member_id", buyer.id)).toBe(0);
    expect(await query(await database(), sql`select 1 from idempotency_key where key = 'short-1'`)).toHaveLength(0);
    expect(await query<{ n: string }>(await database(), sql`select count(*)::text as n from ledger_entry`)).toEqual(entriesBefore);
  });
});
