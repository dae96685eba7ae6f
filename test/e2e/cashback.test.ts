import { afterEach, describe, expect, it } from "vitest";
import dashboardFn from "../../netlify/functions/me-dashboard";
import orderCancel from "../../netlify/functions/order-cancel";
import { paymentSucceeded, stripeAccount, useStripeMock } from "../mocks/stripe";
import { buyByCard, checkout, deliver, reissue, setNow } from "../payments/flows";
import { createMember, type TestMember } from "../support/fixtures";
import { call } from "../support/http";

// SPEC.md section 6, cashback: at 2,930 PV in a period a member gets one credit (79% off, capped at
// 79% of 3,490 MXN = 2,757.10) for their next order in the same period, used at most once.

useStripeMock();
afterEach(() => setNow(undefined));

const MARCH = new Date("2026-03-10T18:00:00Z");
const TEN_CURCUMA = [{ sku: "NN-P04", quantity: 10 }]; // 2,930 PV, 3,493.00 MXN

const cashbackOf = async (member: TestMember) => (await call(dashboardFn, { path: "/api/me/dashboard", token: member.token })).body.cashback.available;
const discountOf = (res: { body: { order: { discount: { amount: string } } } }) => res.body.order.discount.amount;

async function earner(): Promise<TestMember> {
  setNow(MARCH.toISOString());
  const member = await createMember();
  const { orderId } = await buyByCard(member, TEN_CURCUMA, { created: MARCH, useCashback: true });
  expect(orderId).toBeGreaterThan(0);
  return member;
}

describe("cashback credit", () => {
  it("is granted at 2,930 PV and taken off the next order only, once", async () => {
    const member = await earner();
    expect(await cashbackOf(member)).toEqual({ amount: "2757.10", currency: "MXN" });

    // 79% of 349.30 = 275.947 -> 275.95 (under the cap).
    const small = await checkout(member, [{ sku: "NN-P05", quantity: 1 }], { useCashback: true });
    expect(small.body.order).toMatchObject({ subtotal: { amount: "349.30" }, discount: { amount: "275.95" }, total: { amount: "73.35" } });
    expect(stripeAccount.intents.get(small.body.payment.paymentIntentId)!.amount).toBe(7335);
    // Reserved by that order: another checkout gets nothing; cancelling the first frees it.
    expect(discountOf(await checkout(member, TEN_CURCUMA, { useCashback: true }))).toBe("0.00");
    expect((await call(orderCancel, { method: "POST", path: `/api/orders/${small.body.order.id}/cancel`, token: member.token, params: { id: String(small.body.order.id) } })).status).toBe(200);

    const big = await checkout(member, TEN_CURCUMA, { useCashback: true });
    expect(big.body.order).toMatchObject({ discount: { amount: "2757.10" }, total: { amount: "735.90" } });
    expect((await deliver(paymentSucceeded(big.body.payment.paymentIntentId, { created: MARCH }))).body.outcome).toBe("applied");
    expect(await cashbackOf(member)).toBeNull();
    expect(discountOf(await checkout(member, TEN_CURCUMA, { useCashback: true }))).toBe("0.00");
  });

  it("is not used unless asked for", async () => {
    const member = await earner();
    expect(discountOf(await checkout(member, TEN_CURCUMA))).toBe("0.00");
    expect(await cashbackOf(member)).toEqual({ amount: "2757.10", currency: "MXN" });
  });

  it("expires at the end of its period (Mexico City)", async () => {
    const member = await earner();
    setNow("2026-04-01T05:59:59Z"); // March 31st, 23:59:59 in Mexico City
    const lastSecond = await checkout(await reissue(member), [{ sku: "NN-P05", quantity: 1 }], { useCashback: true });
    expect(discountOf(lastSecond)).toBe("275.95");
    setNow("2026-04-01T06:00:00Z"); // April 1st, 00:00
    const april = await reissue(member);
    expect((await call(orderCancel, { method: "POST", path: `/api/orders/${lastSecond.body.order.id}/cancel`, token: april.token, params: { id: String(lastSecond.body.order.id) } })).status).toBe(200);
    expect(discountOf(await checkout(april, [{ sku: "NN-P05", quantity: 1 }], { useCashback: true }))).toBe("0.00");
    expect(await cashbackOf(april)).toBeNull();
  });
});
