import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { now } from "../../src/clock";
import { commissionLineTable } from "../../src/commissions/commissions.sql";
import { createCommissionLines, payableAfterHold, type NewCommissionLine } from "../../src/commissions/create";
import { cancelCommissionLine, reverseCommissionLine, revokeCommissionLine } from "../../src/commissions/revoke";
import { database } from "../../src/db/client";
import { Dec } from "../../src/money/decimal";
import { getPlan } from "../../src/plan/plan";
import { runPayouts } from "../../src/payouts/payouts";
import { createMember } from "../support/fixtures";
import { expectLedgerInvariants } from "../support/ledger-invariants";

afterEach(expectLedgerInvariants);

const db = await database();

const line = (receiverId: number, overrides: Partial<NewCommissionLine> = {}): NewCommissionLine => ({
  key: `test:${Math.random()}`,
  receiverId,
  bonusType: "fast_start",
  sourceMemberId: null,
  orderId: 17,
  period: "2025-03",
  level: 1,
  originAmount: new Dec("100"),
  originCurrency: "MXN",
  payableAt: new Date(now().getTime() + 86_400_000),
  ...overrides,
});

describe("creating commission lines", () => {
  it("stores SPEC.md's fast-start example in each receiver's own currency, rounded half-up", async () => {
    // A (MX) sponsors B (US) sponsors C (CO) sponsors D, who buys Full Protect: each is paid on the kit's price in their currency.
    const [a, b, c] = [await createMember({ country: "MX" }), await createMember({ country: "US" }), await createMember({ country: "CO" })];
    const lines = await createCommissionLines(db, [
      line(c.id, { key: "fs:order:1:level:1", level: 1, originAmount: new Dec("1389000").times("0.30"), originCurrency: "COP" }),
      line(b.id, { key: "fs:order:1:level:2", level: 2, originAmount: new Dec("353").times("0.10"), originCurrency: "USD" }),
      line(a.id, { key: "fs:order:1:level:3", level: 3, originAmount: new Dec("5790").times("0.05"), originCurrency: "MXN" }),
    ]);
    expect(lines.map((l) => [l.amount, l.currency, l.rate, l.status])).toEqual([
      ["416700.00", "COP", "1.000000000000", "pending"],
      ["35.30", "USD", "1.000000000000", "pending"],
      ["289.50", "MXN", "1.000000000000", "pending"],
    ]);
  });

  it("converts to the receiver's currency at the rate in force, keeping origin, rate and converted amount", async () => {
    const receiver = await createMember({ country: "MX" });
    // SPEC.md section 1: 67,400 COP x 5% = 3,370.00 COP; x 0.00435 = 14.6595 -> 14.66 MXN.
    const [converted] = await createCommissionLines(db, [line(receiver.id, { bonusType: "direct", originAmount: new Dec("67400").times("0.05"), originCurrency: "COP" })]);
    expect(converted).toMatchObject({ originAmount: "3370.00", originCurrency: "COP", rate: "0.004350000000", amount: "14.66", currency: "MXN" });
  });

  it("is idempotent by natural key: the same fact twice is one line, the first", async () => {
    const receiver = await createMember();
    const [first] = await createCommissionLines(db, [line(receiver.id, { key: "achievement:42:creativo", originAmount: new Dec("3000") })]);
    const [again] = await createCommissionLines(db, [line(receiver.id, { key: "achievement:42:creativo", originAmount: new Dec("9999") })]);
    expect(again).toEqual(first);
    expect(await db.select().from(commissionLineTable).where(eq(commissionLineTable.naturalKey, "achievement:42:creativo"))).toHaveLength(1);
  });

  it("skips a line that rounds to zero", async () => {
    const receiver = await createMember({ country: "US" });
    // 1 COP x 0.000235 = 0.000235 -> 0.00 USD: not a line.
    expect(await createCommissionLines(db, [line(receiver.id, { originAmount: new Dec("1"), originCurrency: "COP" })])).toEqual([]);
  });

  it("makes instant bonuses payable after the plan's hold (7 days)", async () => {
    const plan = await getPlan(db);
    expect(payableAfterHold(plan, new Date("2025-03-01T12:00:00Z")).toISOString()).toBe("2025-03-08T12:00:00.000Z");
  });
});

describe("cancelling and reversing lines", () => {
  it("cancels a pending line, whole or in part, so payouts pay only what is left", async () => {
    const receiver = await createMember();
    const [whole, partial] = await createCommissionLines(db, [
      line(receiver.id, { payableAt: new Date(now().getTime() - 1000) }),
      line(receiver.id, { payableAt: new Date(now().getTime() - 1000), originAmount: new Dec("80") }),
    ]);
    expect(await cancelCommissionLine(db, whole!.id, { key: "refund:1" })).toMatchObject({ status: "cancelled", revokedAmount: "100.00" });
    expect(await cancelCommissionLine(db, partial!.id, { key: "refund:2", amount: new Dec("30") })).toMatchObject({ status: "pending", revokedAmount: "30.00" });
    // The same refund again changes nothing.
    expect(await cancelCommissionLine(db, partial!.id, { key: "refund:2", amount: new Dec("30") })).toMatchObject({ revokedAmount: "30.00" });
    await runPayouts(db);
    const [paid] = await db.select().from(commissionLineTable).where(eq(commissionLineTable.id, partial!.id));
    expect(paid).toMatchObject({ status: "paid", revokedAmount: "30.00" });
    const [cancelled] = await db.select().from(commissionLineTable).where(eq(commissionLineTable.id, whole!.id));
    expect(cancelled).toMatchObject({ status: "cancelled", paidAt: null });
  });

  it("refuses to cancel a paid line or reverse a pending one (409 with the current status), and revoke picks the right one", async () => {
    const receiver = await createMember();
    const [pending, paid] = await createCommissionLines(db, [line(receiver.id), line(receiver.id, { payableAt: new Date(now().getTime() - 1000) })]);
    await runPayouts(db);
    await expect(reverseCommissionLine(db, pending!.id, { key: "r" })).rejects.toMatchObject({ code: "conflict", extra: { currentStatus: "pending" } });
    await expect(cancelCommissionLine(db, paid!.id, { key: "c" })).rejects.toMatchObject({ code: "conflict", extra: { currentStatus: "paid" } });
    expect(await revokeCommissionLine(db, pending!.id, { key: "refund:9" })).toMatchObject({ status: "cancelled" });
    expect(await revokeCommissionLine(db, paid!.id, { key: "refund:9" })).toMatchObject({ status: "reversed" });
    // Nothing is left of either: revoking again is a no-op, asking for an amount is a conflict.
    expect(await revokeCommissionLine(db, paid!.id, { key: "refund:10" })).toMatchObject({ status: "reversed", revokedAmount: "100.00" });
    await expect(cancelCommissionLine(db, pending!.id, { key: "other", amount: new Dec("1") })).rejects.toMatchObject({ code: "conflict", extra: { currentStatus: "cancelled" } });
  });

  it("refuses to take back more than is left, or a sub-cent amount", async () => {
    const receiver = await createMember();
    const [pending] = await createCommissionLines(db, [line(receiver.id)]);
    await expect(cancelCommissionLine(db, pending!.id, { key: "a", amount: new Dec("100.01") })).rejects.toMatchObject({ code: "business_rule" });
    await expect(cancelCommissionLine(db, pending!.id, { key: "b", amount: new Dec("0.001") })).rejects.toMatchObject({ code: "business_rule" });
    await expect(cancelCommissionLine(db, 987654321, { key: "c" })).rejects.toMatchObject({ code: "not_found" });
  });
});
