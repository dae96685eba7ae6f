import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import adminOrderConfirm from "../../netlify/functions/admin-order-confirm-payment";
import adminOrders from "../../netlify/functions/admin-orders";
import orderFn from "../../netlify/functions/order";
import orderCancel from "../../netlify/functions/order-cancel";
import ordersFn from "../../netlify/functions/orders";
import { database, query } from "../../src/db/client";
import { paymentSucceeded, stripeAccount, stripeDown, useStripeMock } from "../mocks/stripe";
import { buyByCard, checkout, deliver, orderRow, setNow } from "../payments/flows";
import { createMember, staffToken, type TestMember } from "../support/fixtures";
import { call } from "../support/http";

useStripeMock();

const cancel = (member: TestMember, id: number) => call(orderCancel, { method: "POST", path: `/api/orders/${id}/cancel`, token: member.token, params: { id: String(id) } });
const confirm = (token: string, id: number, body: unknown, headers: Record<string, string> = {}) =>
  call(adminOrderConfirm, { path: `/api/admin/orders/${id}/confirm-payment`, token, params: { id: String(id) }, body, headers });

describe("GET /api/orders and /api/orders/{id}", () => {
  it("lists the member's own orders, newest first, with filters and pages", async () => {
    const buyer = await createMember();
    const other = await createMember();
    const paid = await buyByCard(buyer, [{ sku: "NN-P04", quantity: 1 }]);
    const pending = (await checkout(buyer, [{ sku: "NN-P05", quantity: 2 }])).body.order.id;
    await checkout(other, [{ sku: "NN-P05", quantity: 1 }]);

    const all = await call(ordersFn, { path: "/api/orders", token: buyer.token });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ page: 1, pageSize: 20, total: 2 });
    expect(all.body.items.map((o: { id: number }) => o.id)).toEqual([pending, paid.orderId]);
    expect(all.body.items[1]).toMatchObject({ status: "paid", total: { amount: "349.30", currency: "MXN" }, items: [{ sku: "NN-P04", quantity: 1 }] });
    expect(all.body.items[1].period).toMatch(/^\d{4}-\d{2}$/);

    const onlyPaid = await call(ordersFn, { path: "/api/orders?status=paid", token: buyer.token });
    expect(onlyPaid.body.items.map((o: { id: number }) => o.id)).toEqual([paid.orderId]);
    const byTotal = await call(ordersFn, { path: "/api/orders?sort=total&pageSize=1&page=2", token: buyer.token });
    expect(byTotal.body).toMatchObject({ total: 2, items: [{ id: pending }] });
    const period = await call(ordersFn, { path: `/api/orders?period=${all.body.items[1].period}`, token: buyer.token });
    expect(period.body.total).toBe(1);
    expect((await call(ordersFn, { path: "/api/orders?sort=price", token: buyer.token })).status).toBe(400);
    expect((await call(ordersFn, { path: "/api/orders?status=shipped", token: buyer.token })).status).toBe(400);
  });

  it("shows one order to its owner only (404 for anyone else's)", async () => {
    const buyer = await createMember();
    const stranger = await createMember();
    const id = (await checkout(buyer, [{ sku: "NN-P04", quantity: 1 }])).body.order.id;
    const mine = await call(orderFn, { path: `/api/orders/${id}`, token: buyer.token, params: { id: String(id) } });
    expect(mine).toMatchObject({ status: 200, body: { id, status: "pending_payment" } });
    expect((await call(orderFn, { path: `/api/orders/${id}`, token: stranger.token, params: { id: String(id) } })).status).toBe(404);
    expect((await call(orderFn, { path: "/api/orders/abc", token: buyer.token, params: { id: "abc" } })).status).toBe(400);
  });
});

describe("POST /api/orders/{id}/cancel", () => {
  it("cancels a pending order, its PaymentIntent, its kit claim; then 409", async () => {
    const buyer = await createMember();
    const res = await checkout(buyer, [{ sku: "NN-KIT-PROTECT", quantity: 1 }]);
    const { id } = res.body.order;
    expect((await cancel(await createMember(), id)).status).toBe(404);
    const cancelled = await cancel(buyer, id);
    expect(cancelled).toMatchObject({ status: 200, body: { id, status: "cancelled" } });
    expect(stripeAccount.intents.get(res.body.payment.paymentIntentId)!.status).toBe("canceled");
    expect(stripeAccount.requests.find((r) => r.path.endsWith("/cancel"))!.idempotencyKey).toBe(`order-${id}-cancel`);
    const again = await cancel(buyer, id);
    expect(again).toMatchObject({ status: 409, body: { currentStatus: "cancelled" } });
    expect((await checkout(buyer, [{ sku: "NN-KIT-PROTECT", quantity: 1 }])).status).toBe(201);
  });

  it("refuses to cancel an order whose payment already succeeded at Stripe, or a paid one", async () => {
    const buyer = await createMember();
    const res = await checkout(buyer, [{ sku: "NN-P04", quantity: 1 }]);
    const { id } = res.body.order;
    const success = paymentSucceeded(res.body.payment.paymentIntentId);
    const refused = await cancel(buyer, id);
    expect(refused).toMatchObject({ status: 409, body: { currentStatus: "pending_payment", paymentStatus: "succeeded" } });
    expect((await orderRow(id)).status).toBe("pending_payment");
    await deliver(success);
    expect(await cancel(buyer, id)).toMatchObject({ status: 409, body: { currentStatus: "paid" } });
  });

  it("answers 503 and keeps the order when Stripe cannot be reached", async () => {
    const buyer = await createMember();
    const { id } = (await checkout(buyer, [{ sku: "NN-P04", quantity: 1 }])).body.order;
    stripeDown();
    expect((await cancel(buyer, id)).status).toBe(503);
    expect((await orderRow(id)).status).toBe("pending_payment");
  });
});

describe("GET /api/admin/orders", () => {
  it("lists every member's orders for support, with filters; 403 for members", async () => {
    const co = await createMember({ country: "CO" });
    const us = await createMember({ country: "US" });
    const coOrder = (await checkout(co, [{ sku: "NN-P04", quantity: 1 }])).body.order.id;
    const usOrder = await buyByCard(us, [{ sku: "NN-P13", quantity: 2 }]);
    const token = await staffToken("support");
    const list = (q: string) => call(adminOrders, { path: `/api/admin/orders${q}`, token });

    expect((await call(adminOrders, { path: "/api/admin/orders", token: co.token })).status).toBe(403);
    const byMember = await list(`?memberCode=${co.memberCode.toLowerCase()}`);
    expect(byMember.body).toMatchObject({ total: 1, items: [{ id: coOrder, member: { memberCode: co.memberCode, country: "CO" }, status: "pending_payment", paymentIntentId: expect.stringMatching(/^pi_/) }] });
    expect((await list(`?country=us&status=paid`)).body.items.map((o: { id: number }) => o.id)).toContain(usOrder.orderId);
    const usd = await list(`?currency=USD&minAmount=54.60&maxAmount=54.60`);
    expect(usd.body.items.map((o: { id: number }) => o.id)).toEqual([usOrder.orderId]);
    expect((await list(`?minAmount=54.61&currency=USD&memberCode=${us.memberCode}`)).body.total).toBe(0);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await list(`?from=${future}&memberCode=${us.memberCode}`)).body.total).toBe(0);
    expect((await list(`?from=${future}&to=${new Date(0).toISOString()}`)).status).toBe(400);
    expect((await list(`?minAmount=abc`)).status).toBe(400);
  });
});

describe("POST /api/admin/orders/{id}/confirm-payment", () => {
  it("lets finance confirm an order paid outside Stripe, in the period the money was received, audited", async () => {
    setNow("2026-05-30T18:00:00Z");
    try {
      const buyer = await createMember();
      const res = await checkout(buyer, [{ sku: "NN-P04", quantity: 1 }]);
      const { id } = res.body.order;
      // Confirmed on June 2nd for a transfer received on May 31st (14:00 in Mexico City): it counts in May.
      setNow("2026-06-02T16:00:00Z");
      const receivedAt = "2026-05-31T20:00:00Z";
      const body = { receivedAt, reference: "SPEI 123" };
      expect((await confirm(await staffToken("support"), id, body)).status).toBe(403);
      const finance = await staffToken("finance");
      expect(await confirm(finance, id, { ...body, receivedAt: "2026-06-02T16:00:01Z" })).toMatchObject({ status: 422, body: { errors: [{ path: "receivedAt" }] } });
      expect(await confirm(finance, id, { ...body, receivedAt: "2026-05-30T17:59:59Z" })).toMatchObject({ status: 422, body: { errors: [{ path: "receivedAt" }] } });
      expect((await confirm(finance, id, { receivedAt })).status).toBe(400);

      const ok = await confirm(finance, id, body, { "idempotency-key": "confirm-1" });
      expect(ok).toMatchObject({ status: 200, body: { id, status: "paid", period: "2026-05", paymentMethod: "manual", paymentConfirmedAt: "2026-05-31T20:00:00.000Z" } });
      expect(stripeAccount.intents.get(res.body.payment.paymentIntentId)!.status).toBe("canceled");
      expect(await confirm(finance, id, body, { "idempotency-key": "confirm-1" })).toMatchObject({ status: 200, body: ok.body });
      expect(await confirm(finance, id, body)).toMatchObject({ status: 409, body: { currentStatus: "paid" } });
      const audit = await query<{ action: string; after: { reference: string; period: string } }>(
        await database(),
        sql`select action, after from audit_log where entity_type = 'order' and entity_id = ${String(id)}`,
      );
      expect(audit).toEqual([{ action: "order.confirm_payment", after: expect.objectContaining({ reference: "SPEI 123", period: "2026-05" }) }]);
      expect((await confirm(finance, 999_999, body)).status).toBe(404);
    } finally {
      setNow(undefined);
    }
  });

  it("refuses when the card payment already succeeded at Stripe", async () => {
    const buyer = await createMember();
    const res = await checkout(buyer, [{ sku: "NN-P04", quantity: 1 }]);
    paymentSucceeded(res.body.payment.paymentIntentId);
    const refused = await confirm(await staffToken("finance"), res.body.order.id, { receivedAt: new Date().toISOString(), reference: "cash" });
    expect(refused).toMatchObject({ status: 409, body: { paymentStatus: "succeeded" } });
  });
});
