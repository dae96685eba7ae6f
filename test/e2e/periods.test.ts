import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { paymentSucceeded, useStripeMock } from "../mocks/stripe";
import { checkout, deliver, orderRow, setNow, volumeOf } from "../payments/flows";
import { createMember } from "../support/fixtures";

// SPEC.md section 2: an order counts in the Mexico City month of its payment confirmation; if that
// period has closed, in the open one, marked as a late arrival.

useStripeMock();
afterEach(() => setNow(undefined));

async function pendingOrder(sku: string) {
  const member = await createMember();
  const res = await checkout(member, [{ sku, quantity: 1 }]);
  return { member, orderId: res.body.order.id as number, intentId: res.body.payment.paymentIntentId as string };
}

describe("the period of an order", () => {
  it("is the Mexico City month of the confirmation: 23:59 on March 31st vs 00:01 on April 1st", async () => {
    setNow("2026-04-01T07:00:00Z");
    const late = await pendingOrder("NN-P04");
    const early = await pendingOrder("NN-P04");
    await deliver(paymentSucceeded(late.intentId, { created: new Date("2026-04-01T05:59:00Z") }));
    await deliver(paymentSucceeded(early.intentId, { created: new Date("2026-04-01T06:01:00Z") }));
    expect(await orderRow(late.orderId)).toMatchObject({ status: "paid", period: "2026-03", arrivedLate: false });
    expect(await orderRow(early.orderId)).toMatchObject({ status: "paid", period: "2026-04", arrivedLate: false });
    expect(await volumeOf(late.member.id, "2026-03")).toEqual({ pv: "293.00", pvg: "293.00" });
    expect(await volumeOf(late.member.id, "2026-04")).toEqual({ pv: "0.00", pvg: "0.00" });
    expect(await volumeOf(early.member.id, "2026-04")).toEqual({ pv: "293.00", pvg: "293.00" });
  });

  it("is the open period for a confirmation that arrives after its own period closed", async () => {
    setNow("2026-05-02T18:00:00Z");
    const { member, orderId, intentId } = await pendingOrder("NN-P12");
    await (await database()).execute(
      sql`insert into period (period, status, created_at, closed_at) values ('2026-04', 'closed', now(), now())
          on conflict (period) do update set status = 'closed', closed_at = now()`,
    );
    await deliver(paymentSucceeded(intentId, { created: new Date("2026-04-30T20:00:00Z") }));
    expect(await orderRow(orderId)).toMatchObject({ status: "paid", period: "2026-05", arrivedLate: true });
    expect(await volumeOf(member.id, "2026-05")).toEqual({ pv: "322.00", pvg: "322.00" });
    expect(await volumeOf(member.id, "2026-04")).toEqual({ pv: "0.00", pvg: "0.00" });
  });
});
