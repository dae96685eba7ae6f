import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { availableCashback, releaseCashback, reserveCashback } from "../../src/cashback/cashback";
import { database, query } from "../../src/db/client";
import { Dec } from "../../src/money/decimal";
import { createMember } from "../support/fixtures";
import { buy, confirmOrder, createPendingOrder, mexicoCity, refundOrder, type TestOrder } from "../support/orders";

const MARCH = (day: number, time = "12:00:00") => mexicoCity(`2026-03-${String(day).padStart(2, "0")}T${time}`);

async function credit(memberId: number, period = "2026-03") {
  const [row] = await query<{ status: string; cap: string; earnedOrderId: string; reservedOrderId: string | null; discount: string | null; expiresAt: string }>(
    await database(),
    sql`select status, cap::text, earned_order_id::text as "earnedOrderId", reserved_order_id::text as "reservedOrderId", discount::text, expires_at as "expiresAt"
        from cashback_credit where member_id = ${memberId} and period = ${period}`,
  );
  return row && { ...row, expiresAt: new Date(row.expiresAt).toISOString() };
}

async function reserve(order: TestOrder, at: Date) {
  const db = await database();
  const discount = await db.transaction((tx) =>
    reserveCashback(tx, { memberId: order.memberId, orderId: order.id, subtotal: new Dec(order.subtotal), currency: order.currency, at }),
  );
  return discount.toFixed(2);
}

/** A member who reached exactly 2,930 PV in March (9 + 1 products of 293 PV): the second order earned the credit. */
async function memberWithCredit(country: "MX" | "US" | "CO" = "MX") {
  const member = await createMember({ country });
  await buy(member.id, [{ sku: "NN-P04", quantity: 9 }], MARCH(3));
  const earning = await createPendingOrder(member.id, [{ sku: "NN-P05" }]);
  expect(await reserve(earning, MARCH(4))).toBe("0.00");
  await confirmOrder(earning.id, MARCH(5));
  return { member, earning };
}

describe("cashback credit", () => {
  it("is granted when the period PV first reaches 2,930, capped at 79% of the base, not to the earning order", async () => {
    const member = await createMember();
    await buy(member.id, [{ sku: "NN-P04", quantity: 9 }], MARCH(3));
    expect(await credit(member.id)).toBeUndefined();
    const { member: earner, earning } = await memberWithCredit();
    expect(await credit(earner.id)).toEqual({
      status: "available",
      cap: "2757.10",
      earnedOrderId: String(earning.id),
      reservedOrderId: null,
      discount: null,
      expiresAt: "2026-04-01T06:00:00.000Z", // midnight in Mexico City
    });
    // More PV in the same period grants nothing more.
    await buy(earner.id, [{ sku: "NN-P06", quantity: 20 }], MARCH(6));
    expect((await credit(earner.id))!.earnedOrderId).toBe(String(earning.id));
  });

  it("applies 79% to the next order, capped, and is used when that order is paid", async () => {
    const { member } = await memberWithCredit();
    const small = await createPendingOrder(member.id, [{ sku: "NN-P04" }]);
    expect(await reserve(small, MARCH(7))).toBe("275.95"); // 79% of 349.30 = 275.947
    await (await database()).transaction((tx) => releaseCashback(tx, small.id));
    const large = await createPendingOrder(member.id, [{ sku: "NN-P13", quantity: 10 }]);
    expect(await reserve(large, MARCH(8))).toBe("2757.10"); // 79% of 4,893.00 = 3,865.47, capped
    expect(await credit(member.id)).toMatchObject({ status: "reserved", reservedOrderId: String(large.id), discount: "2757.10" });
    await confirmOrder(large.id, MARCH(9));
    expect(await credit(member.id)).toMatchObject({ status: "used", reservedOrderId: String(large.id) });
    const next = await createPendingOrder(member.id, [{ sku: "NN-P04" }]);
    expect(await reserve(next, MARCH(10))).toBe("0.00");
  });

  it("caps in each currency: USD 158.00 and COP 655,700.00", async () => {
    const { member: us } = await memberWithCredit("US");
    expect((await credit(us.id))!.cap).toBe("158.00");
    const { member: co } = await memberWithCredit("CO");
    expect(await reserve(await createPendingOrder(co.id, [{ sku: "NN-P13", quantity: 10 }]), MARCH(7))).toBe("655700.00");
  });

  it("is reserved by one order only, even when checkouts race, and released back to available", async () => {
    const { member } = await memberWithCredit();
    const orders = await Promise.all(Array.from({ length: 6 }, () => createPendingOrder(member.id, [{ sku: "NN-P04" }])));
    const discounts = await Promise.all(orders.map((order) => reserve(order, MARCH(7))));
    expect(discounts.filter((discount) => discount !== "0.00")).toEqual(["275.95"]);
    const holder = orders[discounts.indexOf("275.95")]!;
    await (await database()).transaction((tx) => releaseCashback(tx, holder.id));
    expect(await credit(member.id)).toMatchObject({ status: "available", reservedOrderId: null, discount: null });
    const other = orders.find((order) => order !== holder)!;
    expect(await reserve(other, MARCH(8))).toBe("275.95");
  });

  it("expires at period end; a credit reserved in time is still used when its order is paid after it", async () => {
    const { member } = await memberWithCredit();
    const tooLate = await createPendingOrder(member.id, [{ sku: "NN-P04" }]);
    expect(await reserve(tooLate, mexicoCity("2026-04-01T00:01:00"))).toBe("0.00");
    expect(await availableCashback(await database(), member.id, "2026-03", MARCH(31, "23:59:00"))).toEqual({ amount: "2757.10", currency: "MXN" });
    expect(await availableCashback(await database(), member.id, "2026-03", mexicoCity("2026-04-01T00:01:00"))).toBeNull();

    const inTime = await createPendingOrder(member.id, [{ sku: "NN-P04" }]);
    expect(await reserve(inTime, MARCH(31, "23:58:00"))).toBe("275.95");
    await confirmOrder(inTime.id, mexicoCity("2026-04-01T00:05:00"));
    expect(await credit(member.id)).toMatchObject({ status: "used", reservedOrderId: String(inTime.id) });
  });

  it("is revoked when a refund of the earning order takes the PV back below 2,930 while it is unused", async () => {
    const { member, earning } = await memberWithCredit();
    await refundOrder(earning.id, "349.30", MARCH(6), "re_earning");
    expect(await credit(member.id)).toMatchObject({ status: "revoked" });
    expect(await reserve(await createPendingOrder(member.id, [{ sku: "NN-P04" }]), MARCH(7))).toBe("0.00");
    // Reaching the threshold again earns it again.
    const again = await buy(member.id, [{ sku: "NN-P06" }], MARCH(8));
    expect(await credit(member.id)).toMatchObject({ status: "available", earnedOrderId: String(again.id) });
  });
});
