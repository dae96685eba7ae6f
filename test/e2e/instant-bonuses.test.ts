import { describe, expect, it } from "vitest";
import commissionsFn from "../../netlify/functions/commissions";
import { paymentSucceeded, useStripeMock } from "../mocks/stripe";
import { buyByCard, checkout, commissionLinesOf, deliver, reissue, setNow } from "../payments/flows";
import { createMember, type TestMember } from "../support/fixtures";
import { call } from "../support/http";

// SPEC.md section 6 worked examples, bought through POST /api/checkout and confirmed by the signed
// payment_intent.succeeded webhook, read back through GET /api/commissions.

useStripeMock();

const commissionsOf = async (member: TestMember) => {
  const res = await call(commissionsFn, { path: "/api/commissions", token: member.token });
  expect(res.status).toBe(200);
  return res.body.items;
};

describe("fast start (SPEC.md worked example)", () => {
  it("pays A (MX), B (US) and C (CO) 5/10/30% of Full Protect in their own currency", async () => {
    const a = await createMember({ country: "MX" });
    const b = await createMember({ country: "US", sponsorCode: a.memberCode });
    const c = await createMember({ country: "CO", sponsorCode: b.memberCode });
    const d = await createMember({ country: "CO", sponsorCode: c.memberCode });
    const { orderId } = await buyByCard(d, [{ sku: "NN-KIT-PROTECT", quantity: 1 }]);

    const expected = [
      [c, "416700.00", "COP", 1],
      [b, "35.30", "USD", 2],
      [a, "289.50", "MXN", 3],
    ] as const;
    for (const [receiver, amount, currency, level] of expected) {
      expect(await commissionsOf(receiver)).toEqual([
        expect.objectContaining({
          bonusType: "fast_start",
          level,
          sourceMemberCode: d.memberCode,
          orderId,
          origin: { amount, currency },
          amount: { amount, currency },
          status: "pending",
        }),
      ]);
    }
    // A kit pays no direct bonus (no VN) and nothing to D.
    expect((await commissionLinesOf(orderId)).map((line) => line.bonusType)).toEqual(["fast_start", "fast_start", "fast_start"]);
    expect(await commissionsOf(d)).toEqual([]);
  });

  it("pays nobody for the levels a member does not have (2 upline levels below the company)", async () => {
    const a = await createMember();
    const b = await createMember({ sponsorCode: a.memberCode });
    const buyer = await createMember({ sponsorCode: b.memberCode });
    const { orderId } = await buyByCard(buyer, [{ sku: "NN-KIT-SKIN", quantity: 1 }]);
    const lines = await commissionLinesOf(orderId);
    expect(lines.map((line) => [line.receiverId, line.level, line.amount])).toEqual([
      [b.id, 1, "778.80"],
      [a.id, 2, "259.60"],
    ]);
  });
});

describe("direct bonus with currency conversion", () => {
  it("converts 25% of a CO order's VN to the MX sponsor's pesos, rounding the origin first", async () => {
    const sponsor = await createMember({ country: "MX" });
    const buyer = await createMember({ country: "CO", sponsorCode: sponsor.memberCode });
    const { orderId } = await buyByCard(buyer, [{ sku: "NN-P04", quantity: 2 }]);
    // 2 x 67,400 COP VN = 134,800; 25% = 33,700.00 COP; x 0.00435 = 146.595 -> 146.60 MXN.
    expect(await commissionsOf(sponsor)).toEqual([
      expect.objectContaining({ bonusType: "direct", level: 1, orderId, origin: { amount: "33700.00", currency: "COP" }, amount: { amount: "146.60", currency: "MXN" } }),
    ]);
    expect((await commissionLinesOf(orderId))[0]!.rate).toMatch(/^0\.00435/);
  });

  it("rounds the USD origin before converting to COP (5.1975 -> 5.20 x 4,250 = 22,100.00)", async () => {
    const sponsor = await createMember({ country: "CO" });
    const buyer = await createMember({ country: "US", sponsorCode: sponsor.memberCode });
    await buyByCard(buyer, [{ sku: "NN-P14", quantity: 1 }]);
    expect(await commissionsOf(sponsor)).toEqual([
      expect.objectContaining({ bonusType: "direct", origin: { amount: "5.20", currency: "USD" }, amount: { amount: "22100.00", currency: "COP" } }),
    ]);
  });
});

describe("achievement bonus", () => {
  it("is paid once when two confirmations that each reach the rank race", async () => {
    const leader = await createMember();
    await buyByCard(leader, [{ sku: "NN-KIT-PROTECT", quantity: 1 }]);
    const left = await createMember({ sponsorCode: leader.memberCode });
    const right = await createMember({ sponsorCode: leader.memberCode });
    // Each order alone takes the leader's PVG from 4,860 to 21,340 (>= 21,000: Emprendedor).
    const intents = [];
    for (const buyer of [left, right]) intents.push((await checkout(buyer, [{ sku: "NN-P13", quantity: 40 }])).body.payment.paymentIntentId as string);
    const results = await Promise.all(intents.map((intent) => deliver(paymentSucceeded(intent))));
    expect(results.map((r) => r.body.outcome)).toEqual(["applied", "applied"]);
    const achievements = (await commissionsOf(leader)).filter((line: { bonusType: string }) => line.bonusType === "achievement");
    expect(achievements).toEqual([expect.objectContaining({ amount: { amount: "1500.00", currency: "MXN" }, level: null })]);
  });

  it("pays nothing for Emprendedor reached 31 days after enrolment", async () => {
    const enrolled = new Date("2026-09-01T15:00:00Z");
    const later = new Date(enrolled.getTime() + 31 * 86_400_000);
    setNow(enrolled.toISOString());
    const leader = await createMember();
    const downline = await createMember({ sponsorCode: leader.memberCode });
    setNow(later.toISOString());
    try {
      const leaderNow = await reissue(leader);
      const downlineNow = await reissue(downline);
      await buyByCard(leaderNow, [{ sku: "NN-KIT-PROTECT", quantity: 1 }], { created: later });
      await buyByCard(downlineNow, [{ sku: "NN-P13", quantity: 40 }], { created: later });
      const lines = await commissionsOf(leaderNow);
      expect(lines.filter((line: { bonusType: string }) => line.bonusType === "achievement")).toEqual([]);
      expect(lines.filter((line: { bonusType: string }) => line.bonusType === "direct")).toHaveLength(1);
    } finally {
      setNow(undefined);
    }
  });
});
