import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { database, query } from "../../src/db/client";
import { memberBalances } from "../../src/ledger/accounts";
import { runPayouts } from "../../src/payouts/payouts";
import { markPeriodClosed } from "../../src/periods/close";
import { createMember } from "../support/fixtures";
import { buy, commissionLinesOf, createPendingOrder, mexicoCity, refundOrder, volumeOf } from "../support/orders";

const PAID_AT = mexicoCity("2026-06-10T12:00:00");
const LATER = mexicoCity("2026-06-12T12:00:00");

afterEach(() => {
  delete process.env.APP_NOW;
});

const refund = (orderId: number, refundedTotal: string, key: string, at = LATER) => refundOrder(orderId, refundedTotal, at, key);

async function orderState(id: number) {
  const [row] = await query<{ status: string; refundedAmount: string }>(await database(), sql`select status, refunded_amount::text as "refundedAmount" from orders where id = ${id}`);
  return row!;
}

const lineStates = async (memberId: number) => (await commissionLinesOf(memberId)).map((line) => [line.bonusType, line.amount, line.revokedAmount, line.status]);

async function refundRecords(orderId: number) {
  return query<{ key: string; amount: string; refundedTotal: string; fraction: string; orderPeriod: string; periodClosed: boolean; settlePeriod: string | null }>(
    await database(),
    sql`select key, amount::text, refunded_total::text as "refundedTotal", trim_scale(fraction)::text as fraction, order_period as "orderPeriod",
               period_closed as "periodClosed", settle_period as "settlePeriod"
        from order_refund where order_id = ${orderId} order by id`,
  );
}

describe("applyRefund in an open period", () => {
  it("a full refund takes back the PV up the chain and cancels the pending instant bonuses; the career rank stays", async () => {
    const sponsor = await createMember();
    const buyer = await createMember({ sponsorCode: sponsor.memberCode });
    const order = await buy(buyer.id, [{ sku: "NN-KIT-SUPPLEMENT" }, { sku: "NN-P13", quantity: 2 }], PAID_AT);
    expect(await volumeOf(sponsor.id, "2026-06")).toEqual({ pv: "0.00", pvg: "2494.00" });

    await refund(order.id, order.total, "re_full");
    expect(await orderState(order.id)).toEqual({ status: "refunded", refundedAmount: "2974.60" });
    expect(await volumeOf(buyer.id, "2026-06")).toEqual({ pv: "0.00", pvg: "0.00" });
    expect(await volumeOf(sponsor.id, "2026-06")).toEqual({ pv: "0.00", pvg: "0.00" });
    expect(await lineStates(sponsor.id)).toEqual([
      ["direct", "206.00", "206.00", "cancelled"],
      ["fast_start", "598.80", "598.80", "cancelled"],
    ]);
    expect(await refundRecords(order.id)).toEqual([
      { key: "re_full", amount: "2974.60", refundedTotal: "2974.60", fraction: "1", orderPeriod: "2026-06", periodClosed: false, settlePeriod: null },
    ]);
    const [member] = await query<{ careerRank: string }>(await database(), sql`select career_rank as "careerRank" from member where id = ${buyer.id}`);
    expect(member!.careerRank).toBe("visionario");
  });

  it("partial refunds reverse proportionally, and the last one takes exactly what is left", async () => {
    const sponsor = await createMember();
    const buyer = await createMember({ sponsorCode: sponsor.memberCode });
    // 3 x 349.30 = 1,047.90 MXN; VN 879 -> direct 219.75; PV 879.
    const order = await buy(buyer.id, [{ sku: "NN-P04", quantity: 3 }], PAID_AT);

    await refund(order.id, "349.30", "re_1");
    expect(await orderState(order.id)).toEqual({ status: "partially_refunded", refundedAmount: "349.30" });
    expect(await lineStates(sponsor.id)).toEqual([["direct", "219.75", "73.25", "pending"]]);
    expect(await volumeOf(sponsor.id, "2026-06")).toEqual({ pv: "0.00", pvg: "586.00" });

    // Cumulative 700.00: 219.75 x 700 / 1,047.90 = 146.7936 -> 146.79; PV 879 x 700 / 1,047.90 = 587.1743 -> 587.17.
    await refund(order.id, "700.00", "re_2");
    expect(await lineStates(sponsor.id)).toEqual([["direct", "219.75", "146.79", "pending"]]);
    expect(await volumeOf(buyer.id, "2026-06")).toEqual({ pv: "291.83", pvg: "291.83" });

    await refund(order.id, "1047.90", "re_3");
    expect(await orderState(order.id)).toEqual({ status: "refunded", refundedAmount: "1047.90" });
    expect(await lineStates(sponsor.id)).toEqual([["direct", "219.75", "219.75", "cancelled"]]);
    expect(await volumeOf(sponsor.id, "2026-06")).toEqual({ pv: "0.00", pvg: "0.00" });
    expect((await refundRecords(order.id)).map((row) => [row.amount, row.refundedTotal])).toEqual([
      ["349.30", "349.30"],
      ["350.70", "700.00"],
      ["347.90", "1047.90"],
    ]);
  });

  it("a refund too small to move a bonus by a cent revokes nothing from it, and later refunds still add up exactly", async () => {
    const sponsor = await createMember();
    const buyer = await createMember({ sponsorCode: sponsor.memberCode });
    const order = await buy(buyer.id, [{ sku: "NN-P04" }], PAID_AT);
    // 73.25 x 0.01 / 349.30 = 0.0021 -> 0.00 of the bonus; 293 x 0.01 / 349.30 = 0.0084 -> 0.01 PV.
    await refund(order.id, "0.01", "re_cent");
    expect(await lineStates(sponsor.id)).toEqual([["direct", "73.25", "0.00", "pending"]]);
    expect(await volumeOf(buyer.id, "2026-06")).toEqual({ pv: "292.99", pvg: "292.99" });
    await refund(order.id, "349.30", "re_rest");
    expect(await lineStates(sponsor.id)).toEqual([["direct", "73.25", "73.25", "cancelled"]]);
    expect(await volumeOf(buyer.id, "2026-06")).toEqual({ pv: "0.00", pvg: "0.00" });
  });

  it("is idempotent: a repeated event, a new event with the same total and an older total arriving late change nothing", async () => {
    const sponsor = await createMember();
    const buyer = await createMember({ sponsorCode: sponsor.memberCode });
    const order = await buy(buyer.id, [{ sku: "NN-P04", quantity: 2 }], PAID_AT);
    await refund(order.id, "349.30", "evt_a");
    const after = { lines: await lineStates(sponsor.id), volume: await volumeOf(buyer.id, "2026-06") };
    await refund(order.id, "349.30", "evt_a");
    await refund(order.id, "349.30", "evt_b");
    await Promise.all(Array.from({ length: 5 }, () => refund(order.id, "349.30", "evt_c")));
    await refund(order.id, "100.00", "evt_old");
    expect({ lines: await lineStates(sponsor.id), volume: await volumeOf(buyer.id, "2026-06") }).toEqual(after);
    expect(await refundRecords(order.id)).toHaveLength(1);
    expect(await orderState(order.id)).toEqual({ status: "partially_refunded", refundedAmount: "349.30" });
  });

  it("claws back instant bonuses already paid out, in proportion, through the ledger", async () => {
    const sponsor = await createMember();
    const buyer = await createMember({ sponsorCode: sponsor.memberCode });
    // 2 x 489.30 = 978.60 MXN; VN 824 -> direct 206.00.
    const order = await buy(buyer.id, [{ sku: "NN-P13", quantity: 2 }], PAID_AT);
    process.env.APP_NOW = mexicoCity("2026-06-18T12:00:00").toISOString();
    await runPayouts(await database());
    const wallet = () => memberBalances(db, { memberId: sponsor.id, currency: "MXN" });
    const db = await database();
    expect((await wallet()).available.toFixed(2)).toBe("206.00");

    await refund(order.id, "489.30", "re_half", mexicoCity("2026-06-18T12:00:00"));
    expect(await lineStates(sponsor.id)).toEqual([["direct", "206.00", "103.00", "paid"]]);
    expect((await wallet()).available.toFixed(2)).toBe("103.00");
    await refund(order.id, "978.60", "re_rest", mexicoCity("2026-06-18T12:00:00"));
    expect(await lineStates(sponsor.id)).toEqual([["direct", "206.00", "206.00", "reversed"]]);
    expect((await wallet()).available.toFixed(2)).toBe("0.00");
    const kinds = await query<{ kind: string; amount: string }>(
      db,
      sql`select r.kind, r.amount::text from commission_revocation r join commission_line l on l.id = r.line_id where l.order_id = ${order.id} order by r.id`,
    );
    expect(kinds).toEqual([
      { kind: "clawback", amount: "103.00" },
      { kind: "clawback", amount: "103.00" },
    ]);
  });
});

describe("applyRefund after the order's period closed", () => {
  it("keeps the closed period's volumes, still revokes the instant bonuses, and records the share for the open period's close", async () => {
    const sponsor = await createMember();
    const buyer = await createMember({ sponsorCode: sponsor.memberCode });
    const order = await buy(buyer.id, [{ sku: "NN-P13" }], mexicoCity("2025-09-20T12:00:00"));
    const db = await database();
    await db.transaction((tx) => markPeriodClosed(tx, "2025-09", mexicoCity("2025-10-01T01:00:00")));
    await refund(order.id, "244.65", "re_late", mexicoCity("2025-10-05T12:00:00"));
    expect(await volumeOf(sponsor.id, "2025-09")).toEqual({ pv: "0.00", pvg: "412.00" });
    expect(await lineStates(sponsor.id)).toEqual([["direct", "103.00", "51.50", "pending"]]);
    expect(await refundRecords(order.id)).toEqual([
      { key: "re_late", amount: "244.65", refundedTotal: "244.65", fraction: "0.5", orderPeriod: "2025-09", periodClosed: true, settlePeriod: "2025-10" },
    ]);
  });
});

describe("applyRefund refuses", () => {
  it("an order not paid (409) and more than the order's total (422), writing nothing", async () => {
    const buyer = await createMember();
    const pending = await createPendingOrder(buyer.id, [{ sku: "NN-P04" }]);
    await expect(refund(pending.id, "10.00", "re_x")).rejects.toMatchObject({ code: "conflict" });
    const paid = await buy(buyer.id, [{ sku: "NN-P04" }], PAID_AT);
    await expect(refund(paid.id, "349.31", "re_y")).rejects.toMatchObject({ code: "business_rule" });
    await expect(refund(999_999_999, "1.00", "re_z")).rejects.toMatchObject({ code: "not_found" });
    expect(await orderState(paid.id)).toEqual({ status: "paid", refundedAmount: "0.00" });
    expect(await refundRecords(paid.id)).toEqual([]);
  });
});
