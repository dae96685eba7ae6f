import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database, query } from "../../src/db/client";
import { loyaltyPointsOf, resetLoyaltyWithoutPurchase } from "../../src/loyalty/loyalty";
import { markPeriodClosed } from "../../src/periods/close";
import { createMember } from "../support/fixtures";
import { buy, mexicoCity } from "../support/orders";

const points = async (memberId: number) => loyaltyPointsOf(await database(), memberId);

async function gifts(memberId: number) {
  return query<{ month: string; points: number; choice: string | null }>(
    await database(),
    sql`select month, points, choice from loyalty_gift where member_id = ${memberId} order by id`,
  );
}

async function resetAtClose(month: string) {
  const db = await database();
  return db.transaction((tx) => resetLoyaltyWithoutPurchase(tx, month, new Date()));
}

describe("loyalty points", () => {
  it("earns 25 points for an order confirmed on days 1-7 of the month (Mexico City), once per month", async () => {
    const early = await createMember();
    await buy(early.id, [{ sku: "NN-P04" }], mexicoCity("2026-07-07T23:59:00"));
    await buy(early.id, [{ sku: "NN-P05" }], mexicoCity("2026-07-01T00:00:00"));
    expect(await points(early.id)).toBe(25);

    const late = await createMember();
    // 2026-07-08 00:01 in Mexico City is still July 8 06:01 UTC: day 8, no points.
    await buy(late.id, [{ sku: "NN-P04" }], mexicoCity("2026-07-08T00:01:00"));
    // 2026-06-30 23:30 in Mexico City is already July 1 in UTC, but it is June 30 here: no points.
    await buy(late.id, [{ sku: "NN-P05" }], mexicoCity("2026-06-30T23:30:00"));
    expect(await points(late.id)).toBe(0);
  });

  it("records a gift (choice pending) at 100 points and starts again from 0", async () => {
    const member = await createMember();
    for (const month of ["08", "09", "10"]) await buy(member.id, [{ sku: "NN-P04" }], mexicoCity(`2026-${month}-02T12:00:00`));
    expect(await points(member.id)).toBe(75);
    expect(await gifts(member.id)).toEqual([]);
    await buy(member.id, [{ sku: "NN-P04" }], mexicoCity("2026-11-03T12:00:00"));
    expect(await points(member.id)).toBe(0);
    expect(await gifts(member.id)).toEqual([{ month: "2026-11", points: 100, choice: null }]);
    await buy(member.id, [{ sku: "NN-P04" }], mexicoCity("2026-12-03T12:00:00"));
    expect(await points(member.id)).toBe(25);
  });

  it("the close of a month resets to 0 everyone who earned nothing in it, and only them", async () => {
    const loyal = await createMember();
    const lapsed = await createMember();
    await buy(loyal.id, [{ sku: "NN-P04" }], mexicoCity("2027-01-05T12:00:00"));
    await buy(lapsed.id, [{ sku: "NN-P04" }], mexicoCity("2027-01-05T12:00:00"));
    await buy(loyal.id, [{ sku: "NN-P04" }], mexicoCity("2027-02-05T12:00:00"));
    await buy(lapsed.id, [{ sku: "NN-P04" }], mexicoCity("2027-02-20T12:00:00"));
    expect([await points(loyal.id), await points(lapsed.id)]).toEqual([50, 25]);
    expect(await resetAtClose("2027-02")).toBeGreaterThanOrEqual(1);
    expect([await points(loyal.id), await points(lapsed.id)]).toEqual([50, 0]);
    expect(await resetAtClose("2027-02")).toBe(0);
  });

  it("gives a late arrival no points: its month was settled at its close", async () => {
    const member = await createMember();
    const db = await database();
    await db.transaction((tx) => markPeriodClosed(tx, "2023-05", mexicoCity("2023-06-01T01:00:00")));
    await buy(member.id, [{ sku: "NN-P04" }], mexicoCity("2023-05-03T12:00:00"));
    expect(await points(member.id)).toBe(0);
  });
});
