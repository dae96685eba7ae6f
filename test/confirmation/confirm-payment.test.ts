import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database, query } from "../../src/db/client";
import { createMember } from "../support/fixtures";
import { buy, commissionLinesOf, confirmOrder, createPendingOrder, mexicoCity, volumeOf } from "../support/orders";

const CONFIRMED_AT = mexicoCity("2026-05-12T10:00:00");
const HOLD_ENDS = new Date(CONFIRMED_AT.getTime() + 7 * 86_400_000);

async function orderRow(id: number) {
  const [row] = await query<{ status: string; period: string | null; arrivedLate: boolean; paymentConfirmedAt: Date | null; paymentReference: string | null }>(
    await database(),
    sql`select status, period, arrived_late as "arrivedLate", payment_confirmed_at as "paymentConfirmedAt", payment_reference as "paymentReference" from orders where id = ${id}`,
  );
  return { ...row!, paymentConfirmedAt: row!.paymentConfirmedAt && new Date(row!.paymentConfirmedAt) };
}

describe("confirmPayment: fast start (SPEC.md worked example)", () => {
  it("pays C 416,700.00 COP, B 35.30 USD and A 289.50 MXN: each the kit's own price in their currency", async () => {
    const a = await createMember({ country: "MX" });
    const b = await createMember({ sponsorCode: a.memberCode, country: "US" });
    const c = await createMember({ sponsorCode: b.memberCode, country: "CO" });
    const d = await createMember({ sponsorCode: c.memberCode, country: "MX" });
    const order = await buy(d.id, [{ sku: "NN-KIT-PROTECT" }], CONFIRMED_AT);

    const pending = { bonusType: "fast_start", rate: "1", status: "pending", orderId: String(order.id), revokedAmount: "0.00", payableAt: HOLD_ENDS };
    expect(await commissionLinesOf(c.id)).toEqual([{ ...pending, level: 1, originAmount: "416700.00", originCurrency: "COP", amount: "416700.00", currency: "COP" }]);
    expect(await commissionLinesOf(b.id)).toEqual([{ ...pending, level: 2, originAmount: "35.30", originCurrency: "USD", amount: "35.30", currency: "USD" }]);
    expect(await commissionLinesOf(a.id)).toEqual([{ ...pending, level: 3, originAmount: "289.50", originCurrency: "MXN", amount: "289.50", currency: "MXN" }]);
  });

  it("pays a member with only 2 upline levels on those 2 levels: the company root earns nothing", async () => {
    const a = await createMember({ country: "MX" });
    const b = await createMember({ sponsorCode: a.memberCode, country: "MX" });
    const c = await createMember({ sponsorCode: b.memberCode, country: "MX" });
    const order = await buy(c.id, [{ sku: "NN-KIT-SUPPLEMENT" }], CONFIRMED_AT);
    expect((await commissionLinesOf(b.id)).map((line) => [line.level, line.amount])).toEqual([[1, "598.80"]]);
    expect((await commissionLinesOf(a.id)).map((line) => [line.level, line.amount])).toEqual([[2, "199.60"]]);
    const [lines] = await query<{ count: number }>(await database(), sql`select count(*)::int from commission_line where order_id = ${order.id}`);
    expect(lines!.count).toBe(2);
  });
});

describe("confirmPayment: direct bonus", () => {
  it("pays the sponsor 25% of the product VN, converted with both roundings (67,400 COP -> 16,850.00 COP -> 73.30 MXN)", async () => {
    const sponsor = await createMember({ country: "MX" });
    const buyer = await createMember({ sponsorCode: sponsor.memberCode, country: "CO" });
    const order = await buy(buyer.id, [{ sku: "NN-P04" }], CONFIRMED_AT);
    expect(await commissionLinesOf(sponsor.id)).toEqual([
      {
        bonusType: "direct",
        level: 1,
        originAmount: "16850.00",
        originCurrency: "COP",
        rate: "0.00435",
        amount: "73.30",
        currency: "MXN",
        status: "pending",
        orderId: String(order.id),
        revokedAmount: "0.00",
        payableAt: HOLD_ENDS,
      },
    ]);
  });

  it("pays no direct bonus on a kit and no fast start on products; a mixed order pays each on its own part", async () => {
    const sponsor = await createMember({ country: "MX" });
    const kitBuyer = await createMember({ sponsorCode: sponsor.memberCode, country: "MX" });
    const productBuyer = await createMember({ sponsorCode: sponsor.memberCode, country: "MX" });
    const mixedBuyer = await createMember({ sponsorCode: sponsor.memberCode, country: "MX" });
    await buy(kitBuyer.id, [{ sku: "NN-KIT-SKIN" }], CONFIRMED_AT);
    await buy(productBuyer.id, [{ sku: "NN-P13", quantity: 3 }], CONFIRMED_AT);
    await buy(mixedBuyer.id, [{ sku: "NN-KIT-SUPPLEMENT" }, { sku: "NN-P04", quantity: 2 }], CONFIRMED_AT);
    expect((await commissionLinesOf(sponsor.id)).map((line) => [line.bonusType, line.amount])).toEqual([
      ["fast_start", "778.80"], // 30% of 2,596
      ["direct", "309.00"], // 25% of VN 3 x 412 = 1,236
      ["direct", "146.50"], // 25% of VN 2 x 293 = 586
      ["fast_start", "598.80"], // 30% of 1,996
    ]);
  });
});

describe("confirmPayment: the order, its period and its volumes", () => {
  it("marks the order paid with its period and reference, and adds PV up the chain; kits count for PV", async () => {
    const sponsor = await createMember();
    const buyer = await createMember({ sponsorCode: sponsor.memberCode });
    const order = await createPendingOrder(buyer.id, [{ sku: "NN-KIT-SKIN" }, { sku: "NN-P18", quantity: 2 }]);
    expect(await confirmOrder(order.id, CONFIRMED_AT, "SPEI-123")).toBe("confirmed");
    expect(await orderRow(order.id)).toEqual({ status: "paid", period: "2026-05", arrivedLate: false, paymentConfirmedAt: CONFIRMED_AT, paymentReference: "SPEI-123" });
    expect(await volumeOf(buyer.id, "2026-05")).toEqual({ pv: "2590.00", pvg: "2590.00" });
    expect(await volumeOf(sponsor.id, "2026-05")).toEqual({ pv: "0.00", pvg: "2590.00" });
  });

  it("does nothing the second time (already_confirmed), nor for an order that ended unpaid (not_pending)", async () => {
    const sponsor = await createMember();
    const buyer = await createMember({ sponsorCode: sponsor.memberCode });
    const order = await buy(buyer.id, [{ sku: "NN-P04" }], CONFIRMED_AT);
    expect(await confirmOrder(order.id, new Date(CONFIRMED_AT.getTime() + 60_000))).toBe("already_confirmed");
    expect(await volumeOf(buyer.id, "2026-05")).toEqual({ pv: "293.00", pvg: "293.00" });
    expect(await commissionLinesOf(sponsor.id)).toHaveLength(1);

    const cancelled = await createPendingOrder(buyer.id, [{ sku: "NN-P05" }]);
    await (await database()).execute(sql`update orders set status = 'cancelled' where id = ${cancelled.id}`);
    expect(await confirmOrder(cancelled.id, CONFIRMED_AT)).toBe("not_pending");
    expect(await orderRow(cancelled.id)).toMatchObject({ status: "cancelled", period: null });
    await expect(confirmOrder(999_999_999, CONFIRMED_AT)).rejects.toMatchObject({ code: "not_found" });
  });

  it("confirmed concurrently many times, confirms once", async () => {
    const sponsor = await createMember();
    const buyer = await createMember({ sponsorCode: sponsor.memberCode });
    const order = await createPendingOrder(buyer.id, [{ sku: "NN-KIT-PROTECT" }]);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => confirmOrder(order.id, CONFIRMED_AT)));
    expect(outcomes.filter((outcome) => outcome === "confirmed")).toHaveLength(1);
    expect(await volumeOf(sponsor.id, "2026-05")).toEqual({ pv: "0.00", pvg: "4860.00" });
    expect(await commissionLinesOf(sponsor.id)).toHaveLength(1);
  });
});
