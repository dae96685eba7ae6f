import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { database, query } from "../../src/db/client";
import { memberBalances } from "../../src/ledger/accounts";
import { runPayouts } from "../../src/payouts/payouts";
import { chargeRefunded, useStripeMock } from "../mocks/stripe";
import { buyByCard, checkout, commissionLinesOf, deliver, orderRow, reissue, setNow, volumeOf } from "../payments/flows";
import { createMember } from "../support/fixtures";

// SPEC.md section 7: a refund reduces the open period's volumes and takes back the order's instant
// bonuses: cancelled before the payouts job posted them, clawed back from the wallet after.

useStripeMock();
afterEach(() => setNow(undefined));

const T = new Date("2026-03-05T18:00:00Z");
const days = (n: number) => new Date(T.getTime() + n * 86_400_000);

async function kitSale() {
  setNow(T.toISOString());
  const sponsor = await createMember();
  const buyer = await createMember({ sponsorCode: sponsor.memberCode });
  const sale = await buyByCard(buyer, [{ sku: "NN-KIT-SUPPLEMENT", quantity: 1 }], { created: T });
  return { sponsor, buyer, ...sale };
}

async function refund(intentId: string, cumulative: number, at: Date) {
  setNow(at.toISOString());
  const res = await deliver(chargeRefunded(intentId, cumulative, { created: at }));
  expect(res.body.outcome).toBe("applied");
}

const available = async (memberId: number) => (await memberBalances(await database(), { memberId, currency: "MXN" })).available.toFixed(2);

describe("refunds and payouts", () => {
  it("cancels the bonuses of an order refunded before payout: nothing reaches a wallet", async () => {
    const { sponsor, buyer, orderId, intentId } = await kitSale();
    expect(await commissionLinesOf(orderId)).toEqual([expect.objectContaining({ receiverId: sponsor.id, amount: "598.80", status: "pending" })]);
    await refund(intentId, 199600, days(2));
    expect(await orderRow(orderId)).toMatchObject({ status: "refunded", refundedAmount: "1996.00" });
    expect(await commissionLinesOf(orderId)).toEqual([expect.objectContaining({ status: "cancelled", revokedAmount: "598.80" })]);
    expect(await volumeOf(buyer.id, "2026-03")).toEqual({ pv: "0.00", pvg: "0.00" });
    setNow(days(8).toISOString());
    await runPayouts(await database());
    expect(await available(sponsor.id)).toBe("0.00");
  });

  it("claws back a paid bonus after payout, leaving a receivable for what was already spent", async () => {
    const { sponsor, buyer, orderId, intentId } = await kitSale();
    setNow(days(8).toISOString());
    await runPayouts(await database());
    expect(await available(sponsor.id)).toBe("598.80");
    // The sponsor spends 349.30 of it from the wallet before the refund.
    expect((await checkout(await reissue(sponsor), [{ sku: "NN-P04", quantity: 1 }], { paymentMethod: "wallet" })).status).toBe(201);
    expect(await available(sponsor.id)).toBe("249.50");

    await refund(intentId, 199600, days(9));
    expect(await commissionLinesOf(orderId)).toEqual([expect.objectContaining({ status: "reversed", revokedAmount: "598.80" })]);
    const balances = await memberBalances(await database(), { memberId: sponsor.id, currency: "MXN" });
    expect([balances.available.toFixed(2), balances.receivable.toFixed(2)]).toEqual(["0.00", "-349.30"]);
    expect(await volumeOf(buyer.id, "2026-03")).toEqual({ pv: "0.00", pvg: "0.00" });
    const [sums] = await query<{ unbalanced: string }>(await database(), sql`select count(*)::text as unbalanced from (select transaction_id from ledger_entry group by transaction_id, currency having sum(amount) <> 0) t`);
    expect(sums!.unbalanced).toBe("0");
  });

  it("claws back half of a paid bonus for a half refund", async () => {
    const { sponsor, buyer, orderId, intentId } = await kitSale();
    setNow(days(8).toISOString());
    await runPayouts(await database());
    await refund(intentId, 99800, days(9));
    expect(await orderRow(orderId)).toMatchObject({ status: "partially_refunded", refundedAmount: "998.00" });
    expect(await commissionLinesOf(orderId)).toEqual([expect.objectContaining({ status: "paid", revokedAmount: "299.40" })]);
    expect(await available(sponsor.id)).toBe("299.40");
    expect(await volumeOf(buyer.id, "2026-03")).toEqual({ pv: "835.00", pvg: "835.00" });
  });

  it("keeps a closed period's volumes and records the refund for the open period's close", async () => {
    const { buyer, orderId, intentId } = await kitSale();
    await (await database()).execute(sql`update period set status = 'closed', closed_at = ${days(27).toISOString()}::timestamptz where period = '2026-03'`);
    await refund(intentId, 199600, days(28));
    expect(await volumeOf(buyer.id, "2026-03")).toEqual({ pv: "1670.00", pvg: "1670.00" });
    const [recorded] = await query<{ periodClosed: boolean; settlePeriod: string }>(
      await database(),
      sql`select period_closed as "periodClosed", settle_period as "settlePeriod" from order_refund where order_id = ${orderId}`,
    );
    expect(recorded).toEqual({ periodClosed: true, settlePeriod: "2026-04" });
  });
});
