import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database, query } from "../../src/db/client";
import { Dec } from "../../src/money/decimal";
import { getPlan } from "../../src/plan/plan";
import { promoteQualified } from "../../src/ranks/promote";
import { addVolume } from "../../src/volumes/add-volume";
import { createMember } from "../support/fixtures";

const PERIOD = "2026-11";

async function volumeOf(memberId: number) {
  const [row] = await query<{ pv: string; pvg: string }>(await database(), sql`select pv::text, pvg::text from member_volume where period = ${PERIOD} and member_id = ${memberId}`);
  return row ?? { pv: "0", pvg: "0" };
}

async function buy(memberId: number, pv: string, at = new Date("2026-11-10T12:00:00Z")) {
  const db = await database();
  const plan = await getPlan(db);
  return db.transaction(async (tx) => promoteQualified(tx, plan, PERIOD, at, await addVolume(tx, { memberId, period: PERIOD, pv: new Dec(pv), careerFrom: plan.ranks[0]!.minPv })));
}

describe("addVolume", () => {
  it("adds PV to the buyer and PVG to the buyer and every ancestor", async () => {
    const a = await createMember();
    const b = await createMember({ sponsorCode: a.memberCode });
    const c = await createMember({ sponsorCode: b.memberCode });
    await buy(c.id, "293");
    await buy(b.id, "1670");
    expect(await volumeOf(c.id)).toEqual({ pv: "293.00", pvg: "293.00" });
    expect(await volumeOf(b.id)).toEqual({ pv: "1670.00", pvg: "1963.00" });
    expect(await volumeOf(a.id)).toEqual({ pv: "0.00", pvg: "1963.00" });
  });

  it("loses no update and never deadlocks when many confirmations share ancestors", async () => {
    const top = await createMember();
    const branches = await Promise.all([1, 2, 3].map(() => createMember({ sponsorCode: top.memberCode })));
    const leaves = await Promise.all(branches.flatMap((branch) => [1, 2, 3].map(() => createMember({ sponsorCode: branch.memberCode }))));
    const buyers = [...leaves, ...branches, ...leaves];
    await Promise.all(buyers.map((leaf) => buy(leaf.id, "205")));
    expect((await volumeOf(top.id)).pvg).toBe(new Dec(205).times(buyers.length).toFixed(2));
    expect((await volumeOf(branches[0]!.id)).pvg).toBe(new Dec(205).times(7).toFixed(2));
  });

  it("reads the career rank position only of members (never the root) whose PV reaches careerFrom", async () => {
    const db = await database();
    const a = await createMember();
    const b = await createMember({ sponsorCode: a.memberCode });
    await buy(b.id, "1465");
    const rows = await db.transaction((tx) => addVolume(tx, { memberId: b.id, period: PERIOD, pv: new Dec(10), careerFrom: new Dec(1465) }));
    const [root] = await query<{ id: number }>(db, sql`select id from member where depth = 0`);
    expect(rows.find((row) => row.memberId === b.id)).toEqual({ memberId: b.id, pv: "1475.00", pvg: "1475.00", careerPosition: 1 });
    expect(rows.find((row) => row.memberId === a.id)).toEqual({ memberId: a.id, pv: "0.00", pvg: "1475.00", careerPosition: null });
    expect(rows.find((row) => row.memberId === root!.id)!.careerPosition).toBeNull();
  });

  it("subtracts a refund's PV the same way", async () => {
    const a = await createMember();
    const b = await createMember({ sponsorCode: a.memberCode });
    await buy(b.id, "412");
    await buy(b.id, "-412");
    expect(await volumeOf(b.id)).toEqual({ pv: "0.00", pvg: "0.00" });
    expect((await volumeOf(a.id)).pvg).toBe("0.00");
  });
});

describe("promoteQualified", () => {
  it("promotes through every rank reached at once, records each once, and never demotes", async () => {
    const leader = await createMember();
    const downline = await createMember({ sponsorCode: leader.memberCode });
    await buy(downline.id, "57000");
    const promotions = await buy(leader.id, "1465");
    expect(promotions).toEqual([{ memberId: leader.id, rankCodes: ["visionario", "emprendedor", "creativo"], enrolledAt: expect.any(Date) }]);
    const history = await query<{ rankCode: string }>(await database(), sql`select rank_code as "rankCode" from rank_history where member_id = ${leader.id} order by rank_code`);
    expect(history.map((row) => row.rankCode)).toEqual(["creativo", "emprendedor", "visionario"]);
    expect(await buy(leader.id, "10")).toEqual([]);
    await buy(leader.id, "-1475");
    const [member] = await query<{ careerRank: string }>(await database(), sql`select career_rank as "careerRank" from member where id = ${leader.id}`);
    expect(member!.careerRank).toBe("creativo");
  });

  it("needs both PV and PVG: PVG alone qualifies nobody", async () => {
    const leader = await createMember();
    const downline = await createMember({ sponsorCode: leader.memberCode });
    const promotions = await buy(downline.id, "1465");
    expect(promotions.map((p) => p.memberId)).toEqual([downline.id]);
  });
});
