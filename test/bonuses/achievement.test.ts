import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { database, query } from "../../src/db/client";
import { createMember } from "../support/fixtures";
import { buy, commissionLinesOf, confirmOrder, createPendingOrder } from "../support/orders";

// Members enrol at APP_NOW; Emprendedor's achievement pays only within 30 days of that.
// (Mid-month, so that the 30th and 31st days after it fall in the same period.)
const ENROLLED_AT = new Date("2026-03-12T18:00:00Z");
const days = (n: number) => new Date(ENROLLED_AT.getTime() + n * 86_400_000);

beforeAll(() => {
  process.env.APP_NOW = ENROLLED_AT.toISOString();
});
afterAll(() => {
  delete process.env.APP_NOW;
});

const achievements = async (memberId: number) =>
  (await commissionLinesOf(memberId)).filter((line) => line.bonusType === "achievement").map((line) => [line.amount, line.currency, line.payableAt.toISOString()]);

async function careerOf(memberId: number) {
  const db = await database();
  const [member] = await query<{ careerRank: string | null }>(db, sql`select career_rank as "careerRank" from member where id = ${memberId}`);
  const history = await query<{ rankCode: string }>(db, sql`select rank_code as "rankCode" from rank_history where member_id = ${memberId} order by reached_at, rank_code`);
  return { career: member!.careerRank, history: history.map((row) => row.rankCode).sort() };
}

/** A leader who is Visionario with 20,928 PVG: any further 293 PV below them makes them Emprendedor. */
async function leaderOneStepFromEmprendedor(at: Date) {
  const leader = await createMember({ country: "MX" });
  await buy(leader.id, [{ sku: "NN-KIT-PROTECT" }], at);
  const builder = await createMember({ sponsorCode: leader.memberCode });
  await buy(builder.id, [{ sku: "NN-P13", quantity: 39 }], at);
  return leader;
}

describe("achievement bonus", () => {
  it("pays a rank once even when ten confirmations reach it at the same time", async () => {
    const leader = await leaderOneStepFromEmprendedor(days(3));
    const buyers = await Promise.all(Array.from({ length: 10 }, () => createMember({ sponsorCode: leader.memberCode })));
    const orders = await Promise.all(buyers.map((buyer) => createPendingOrder(buyer.id, [{ sku: "NN-P04" }])));
    const outcomes = await Promise.all(orders.map((order) => confirmOrder(order.id, days(4))));
    expect(outcomes).toEqual(Array(10).fill("confirmed"));
    expect(await careerOf(leader.id)).toEqual({ career: "emprendedor", history: ["emprendedor", "visionario"] });
    expect(await achievements(leader.id)).toEqual([["1500.00", "MXN", days(11).toISOString()]]);
  });

  it("pays Emprendedor when reached within 30 days of enrolment", async () => {
    const leader = await leaderOneStepFromEmprendedor(days(29));
    const buyer = await createMember({ sponsorCode: leader.memberCode });
    await buy(buyer.id, [{ sku: "NN-P04" }], new Date(days(30).getTime() - 60_000));
    expect(await achievements(leader.id)).toEqual([["1500.00", "MXN", new Date(days(37).getTime() - 60_000).toISOString()]]);
  });

  it("pays nothing for Emprendedor reached 31 days after enrolment, though the rank is reached", async () => {
    const leader = await leaderOneStepFromEmprendedor(days(31));
    const buyer = await createMember({ sponsorCode: leader.memberCode });
    await buy(buyer.id, [{ sku: "NN-P04" }], days(31));
    expect(await careerOf(leader.id)).toEqual({ career: "emprendedor", history: ["emprendedor", "visionario"] });
    expect(await achievements(leader.id)).toEqual([]);
  });

  it("pays each rank of a jump once, in the member's currency, and none for Visionario", async () => {
    const leader = await createMember({ country: "US" });
    const builder = await createMember({ sponsorCode: leader.memberCode, country: "MX" });
    await buy(builder.id, [{ sku: "NN-P13", quantity: 99 }, { sku: "NN-P12", quantity: 60 }], days(5));
    await buy(leader.id, [{ sku: "NN-KIT-PROTECT" }], days(6));
    expect(await careerOf(leader.id)).toEqual({ career: "creativo", history: ["creativo", "emprendedor", "visionario"] });
    expect((await achievements(leader.id)).map(([amount, currency]) => [amount, currency])).toEqual([
      ["85.00", "USD"],
      ["165.00", "USD"],
    ]);
    // A later month at the same level reaches nothing new: no second payment.
    await buy(leader.id, [{ sku: "NN-P04", quantity: 5 }], days(40));
    await buy(builder.id, [{ sku: "NN-P13", quantity: 99 }, { sku: "NN-P12", quantity: 60 }], days(40));
    expect(await achievements(leader.id)).toHaveLength(2);
  });
});
