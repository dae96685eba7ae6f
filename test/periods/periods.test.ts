import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { confirmationLocks, confirmPayment } from "../../src/confirmation/confirm-payment";
import { database, query, type Database } from "../../src/db/client";
import { claimEvent } from "../../src/payments/inbox";
import { markPeriodClosed } from "../../src/periods/close";
import { nextPeriod } from "../../src/periods/periods";
import { createMember } from "../support/fixtures";
import { heldTransaction } from "../support/held-transaction";
import { buy, confirmOrder, createPendingOrder, mexicoCity, volumeOf } from "../support/orders";

async function orderPeriod(id: number) {
  const [row] = await query<{ period: string; arrivedLate: boolean }>(await database(), sql`select period, arrived_late as "arrivedLate" from orders where id = ${id}`);
  return row!;
}

async function closePeriod(period: string) {
  const db = await database();
  await db.transaction((tx) => markPeriodClosed(tx, period, new Date()));
}

/**
 * Runs `confirm` in a transaction kept open after it, closes `period` meanwhile, and expects the
 * close to be blocked on the period's lock until that transaction commits.
 */
async function expectCloseWaitsFor(period: string, confirm: (tx: Database) => Promise<unknown>): Promise<void> {
  const db = await database();
  const confirmation = await heldTransaction(confirm);
  const close = closePeriod(period);
  await expect.poll(async () => (await query<{ waiting: number }>(db, sql`select count(*)::int as waiting from pg_locks l join pg_database d on d.oid = l.database where d.datname = current_database() and l.locktype = 'advisory' and not l.granted`))[0]!.waiting).toBe(1);
  confirmation.commit();
  await confirmation.committed;
  await close;
}

describe("period assignment (Mexico City calendar)", () => {
  it("puts an order confirmed at 23:59 on the last day in that month, and one at 00:01 in the next", async () => {
    const buyer = await createMember();
    const lastMinute = await buy(buyer.id, [{ sku: "NN-P04" }], mexicoCity("2026-01-31T23:59:00"));
    const firstMinute = await buy(buyer.id, [{ sku: "NN-P05" }], mexicoCity("2026-02-01T00:01:00"));
    expect(mexicoCity("2026-01-31T23:59:00").toISOString()).toBe("2026-02-01T05:59:00.000Z");
    expect(await orderPeriod(lastMinute.id)).toEqual({ period: "2026-01", arrivedLate: false });
    expect(await orderPeriod(firstMinute.id)).toEqual({ period: "2026-02", arrivedLate: false });
    expect(await volumeOf(buyer.id, "2026-01")).toEqual({ pv: "293.00", pvg: "293.00" });
    expect(await volumeOf(buyer.id, "2026-02")).toEqual({ pv: "293.00", pvg: "293.00" });
  });

  it("sends a confirmation for a closed period to the next open one, marked as arrived late", async () => {
    const sponsor = await createMember();
    const buyer = await createMember({ sponsorCode: sponsor.memberCode });
    await closePeriod("2025-11");
    await closePeriod("2025-12");
    const late = await buy(buyer.id, [{ sku: "NN-P13" }], mexicoCity("2025-11-20T12:00:00"));
    expect(await orderPeriod(late.id)).toEqual({ period: "2026-01", arrivedLate: true });
    expect(await volumeOf(sponsor.id, "2026-01")).toEqual({ pv: "0.00", pvg: "412.00" });
    expect(await volumeOf(sponsor.id, "2025-11")).toEqual({ pv: "0.00", pvg: "0.00" });
    const [line] = await query<{ period: string }>(await database(), sql`select period from commission_line where order_id = ${late.id}`);
    expect(line!.period).toBe("2026-01");
  });

  it("creates period rows on demand, open; closing is final and idempotent", async () => {
    const buyer = await createMember();
    await buy(buyer.id, [{ sku: "NN-P04" }], mexicoCity("2024-03-10T12:00:00"));
    const status = async () => (await query<{ status: string }>(await database(), sql`select status from period where period = '2024-03'`))[0]?.status;
    expect(await status()).toBe("open");
    await closePeriod("2024-03");
    await closePeriod("2024-03");
    expect(await status()).toBe("closed");
  });

  it("a close waits for the confirmation in flight in its period; confirmations after it go to the next period", async () => {
    const buyer = await createMember();
    const inFlight = await createPendingOrder(buyer.id, [{ sku: "NN-P04" }]);
    const after = await createPendingOrder(buyer.id, [{ sku: "NN-P05" }]);
    await expectCloseWaitsFor("2024-07", (tx) => confirmPayment(tx, { orderId: inFlight.id, confirmedAt: mexicoCity("2024-07-15T12:00:00") }));
    expect(await orderPeriod(inFlight.id)).toEqual({ period: "2024-07", arrivedLate: false });
    await confirmOrder(after.id, mexicoCity("2024-07-31T20:00:00"));
    expect(await orderPeriod(after.id)).toEqual({ period: "2024-08", arrivedLate: true });
  });

  it("a close also waits for a webhook confirmation whose claim took the period's lock after the order's", async () => {
    const buyer = await createMember();
    const order = await createPendingOrder(buyer.id, [{ sku: "NN-P04" }]);
    const at = mexicoCity("2024-09-15T12:00:00");
    await expectCloseWaitsFor("2024-09", async (tx) => {
      const claim = await claimEvent(tx, { id: `evt_lock_${order.id}`, type: "payment_intent.succeeded", created: at, payload: {} }, order.id, confirmationLocks(at));
      if (!claim.claimed || !claim.order) throw new Error("the event was not claimed");
      await confirmPayment(tx, { orderId: order.id, confirmedAt: at, locked: claim.order, locksHeld: true });
    });
    expect(await orderPeriod(order.id)).toEqual({ period: "2024-09", arrivedLate: false });
  });

  it("counts months forward across a year", () => {
    expect(nextPeriod("2025-12")).toBe("2026-01");
    expect(nextPeriod("2026-09")).toBe("2026-10");
  });
});
