import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import volumeFold, { config } from "../../netlify/functions/volume-fold";
import { confirmPayment } from "../../src/confirmation/confirm-payment";
import { database, query } from "../../src/db/client";
import { moveMember } from "../../src/members/move";
import { Dec } from "../../src/money/decimal";
import { foldVolumes } from "../../src/volumes/fold";
import { createMember } from "../support/fixtures";
import { call } from "../support/http";
import { commissionLinesOf, createPendingOrder, refundOrder, volumeOf } from "../support/orders";

// Volume events and the fold (decision 010): a confirmation adds PV to its buyer at once; the fold
// adds it to every ancestor's PVG and to the PV by depth, promotes the ancestors it raised, once.

const PERIOD = "2026-03";
const ENROLLED_AT = new Date("2026-03-02T18:00:00Z");
const days = (n: number) => new Date(ENROLLED_AT.getTime() + n * 86_400_000);

beforeAll(() => {
  process.env.APP_NOW = ENROLLED_AT.toISOString();
});
afterAll(() => {
  delete process.env.APP_NOW;
});

/** A confirmed order of exactly `pv` PV (a product order whose PV is set by hand), not yet folded. */
async function confirmedWithPv(memberId: number, pv: string, at = days(1)): Promise<number> {
  const db = await database();
  const order = await createPendingOrder(memberId, [{ sku: "NN-P04" }]);
  await db.execute(sql`update orders set pv = ${pv} where id = ${order.id}`);
  const { outcome } = await db.transaction((tx) => confirmPayment(tx, { orderId: order.id, confirmedAt: at }));
  expect(outcome).toBe("confirmed");
  return order.id;
}

async function pendingEvents(): Promise<number> {
  const [row] = await query<{ count: number }>(await database(), sql`select count(*)::int as count from volume_event`);
  return row!.count;
}

/** The invariants the fold keeps, once nothing is pending: PVG = the subtree's PV, and PV by depth = the sum of the depth's PV. */
async function expectFoldedConsistently() {
  expect(await pendingEvents()).toBe(0);
  const db = await database();
  const [pvg] = await query<{ wrong: number }>(
    db,
    sql`select count(*)::int as wrong from member_volume v
        where v.period = ${PERIOD}
          and v.pvg <> (select coalesce(sum(d.pv), 0) from member_volume d join member dm on dm.id = d.member_id where d.period = ${PERIOD} and v.member_id = any(dm.path))`,
  );
  expect(pvg!.wrong).toBe(0);
  const byDepth = await query<{ depth: number; pv: string }>(db, sql`select depth, pv::text from depth_volume where period = ${PERIOD} and pv <> 0 order by depth`);
  const expected = await query<{ depth: number; pv: string }>(
    db,
    sql`select m.depth, sum(v.pv)::text as pv from member_volume v join member m on m.id = v.member_id where v.period = ${PERIOD} group by m.depth having sum(v.pv) <> 0 order by m.depth`,
  );
  expect(byDepth).toEqual(expected);
}

async function depthVolume(depth: number): Promise<string> {
  const [row] = await query<{ pv: string }>(await database(), sql`select pv::text from depth_volume where period = ${PERIOD} and depth = ${depth}`);
  return row?.pv ?? "0.00";
}

async function depthOf(memberId: number): Promise<number> {
  const [row] = await query<{ depth: number }>(await database(), sql`select depth from member where id = ${memberId}`);
  return row!.depth;
}

describe("the volume fold", () => {
  it("adds a confirmation's PV to its buyer at once, and to every ancestor and the PV by depth when it folds, once", async () => {
    const db = await database();
    const a = await createMember();
    const b = await createMember({ sponsorCode: a.memberCode });
    const c = await createMember({ sponsorCode: b.memberCode });
    const depthBefore = await depthVolume(await depthOf(c.id));
    await confirmedWithPv(c.id, "293");
    expect(await volumeOf(c.id, PERIOD)).toEqual({ pv: "293.00", pvg: "293.00" });
    expect(await volumeOf(b.id, PERIOD)).toEqual({ pv: "0.00", pvg: "0.00" });
    expect(await pendingEvents()).toBe(1);

    expect(await foldVolumes(db)).toEqual({ events: 1 });
    expect(await volumeOf(c.id, PERIOD)).toEqual({ pv: "293.00", pvg: "293.00" });
    expect(await volumeOf(b.id, PERIOD)).toEqual({ pv: "0.00", pvg: "293.00" });
    expect(await volumeOf(a.id, PERIOD)).toEqual({ pv: "0.00", pvg: "293.00" });
    expect(await depthVolume(await depthOf(c.id))).toBe(new Dec(depthBefore).plus(293).toFixed(2));

    expect(await foldVolumes(db)).toEqual({ events: 0 });
    expect(await volumeOf(a.id, PERIOD)).toEqual({ pv: "0.00", pvg: "293.00" });
    await expectFoldedConsistently();
  });

  it("loses no update and never deadlocks when confirmations and folds race over shared ancestors", async () => {
    const db = await database();
    const top = await createMember();
    const branches = await Promise.all([1, 2, 3].map(() => createMember({ sponsorCode: top.memberCode })));
    const leaves = await Promise.all(branches.flatMap((branch) => [1, 2, 3].map(() => createMember({ sponsorCode: branch.memberCode }))));
    const buyers = [...leaves, ...branches, ...leaves];
    // Each caller folds right after its own confirmation, as the webhook does.
    await Promise.all(buyers.map(async (buyer) => foldVolumes(db).then(() => confirmedWithPv(buyer.id, "205")).then(() => foldVolumes(db))));
    expect((await volumeOf(top.id, PERIOD)).pvg).toBe(new Dec(205).times(buyers.length).toFixed(2));
    expect((await volumeOf(branches[0]!.id, PERIOD)).pvg).toBe(new Dec(205).times(7).toFixed(2));
    await expectFoldedConsistently();
  });

  it("takes a refund's PV back from the buyer at once and from every ancestor when it folds", async () => {
    const db = await database();
    const a = await createMember();
    const b = await createMember({ sponsorCode: a.memberCode });
    const orderId = await confirmedWithPv(b.id, "412");
    await foldVolumes(db);
    const [order] = await query<{ total: string }>(db, sql`select total::text from orders where id = ${orderId}`);
    // A quarter of the money refunded: the same share of the PV back (to the cent), then the rest.
    const quarter = new Dec(order!.total).dividedBy(4).toDecimalPlaces(2);
    const left = new Dec(412).minus(new Dec(412).times(quarter).dividedBy(order!.total).toDecimalPlaces(2)).toFixed(2);
    await refundOrder(orderId, quarter, days(2), "re_quarter");
    expect(await volumeOf(b.id, PERIOD)).toEqual({ pv: left, pvg: left });
    expect((await volumeOf(a.id, PERIOD)).pvg).toBe(left);
    await refundOrder(orderId, order!.total, days(2), "re_rest");
    expect(await volumeOf(b.id, PERIOD)).toEqual({ pv: "0.00", pvg: "0.00" });
    expect((await volumeOf(a.id, PERIOD)).pvg).toBe("0.00");
    await expectFoldedConsistently();
  });

  it("promotes the ancestors it raises, dated by the order that raised them however late it folds", async () => {
    const db = await database();
    const leader = await createMember({ country: "MX" });
    await confirmedWithPv(leader.id, "1465", days(1));
    await foldVolumes(db);
    const builder = await createMember({ sponsorCode: leader.memberCode, country: "US" });
    // Day 29 after the leader's enrolment: within Emprendedor's 30 days. Folded on day 31.
    const raising = await confirmedWithPv(builder.id, "56535", days(29));
    process.env.APP_NOW = days(31).toISOString();
    await foldVolumes(db);
    process.env.APP_NOW = ENROLLED_AT.toISOString();

    // 1,465 PV and 58,000 PVG: Creativo, passing Emprendedor, both reached by the builder's order.
    const history = await query<{ rankCode: string; period: string; reachedAt: Date }>(
      db,
      sql`select rank_code as "rankCode", period, reached_at as "reachedAt" from rank_history where member_id = ${leader.id} order by reached_at, rank_code`,
    );
    expect(history.map((row) => [row.rankCode, row.period, new Date(row.reachedAt).toISOString()])).toEqual([
      ["visionario", PERIOD, days(1).toISOString()],
      ["creativo", PERIOD, days(29).toISOString()],
      ["emprendedor", PERIOD, days(29).toISOString()],
    ]);
    const achievements = (await commissionLinesOf(leader.id)).filter((line) => line.bonusType === "achievement");
    expect(achievements.map((line) => [line.originAmount, line.currency, line.orderId])).toEqual([
      ["1500.00", "MXN", String(raising)],
      ["3000.00", "MXN", String(raising)],
    ]);
    await expectFoldedConsistently();
  });

  it("pays no Emprendedor achievement when the order that raised the ancestor came after 30 days", async () => {
    const db = await database();
    const leader = await createMember({ country: "MX" });
    await confirmedWithPv(leader.id, "1465", days(31));
    const builder = await createMember({ sponsorCode: leader.memberCode });
    await confirmedWithPv(builder.id, "19535", days(31));
    await foldVolumes(db);
    const [member] = await query<{ careerRank: string }>(db, sql`select career_rank as "careerRank" from member where id = ${leader.id}`);
    expect(member!.careerRank).toBe("emprendedor");
    expect((await commissionLinesOf(leader.id)).filter((line) => line.bonusType === "achievement")).toEqual([]);
  });

  it("runs every minute as a scheduled function that folds what no request folded", async () => {
    expect(config.schedule).toBe("* * * * *");
    const a = await createMember();
    const b = await createMember({ sponsorCode: a.memberCode });
    await confirmedWithPv(b.id, "77"); // its caller died before folding
    const response = await call(volumeFold, { method: "POST", path: "/.netlify/functions/volume-fold" });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ events: 1 });
    expect((await volumeOf(a.id, PERIOD)).pvg).toBe("77.00");
  });

  it("a move folds what is pending, then carries its subtree's PV to its new depths (ancestors' PVG stays where it was earned)", async () => {
    const db = await database();
    const [admin] = await query<{ id: number }>(db, sql`select id from member where email = 'admin@nnprotect.local'`);
    const a = await createMember();
    const b = await createMember({ sponsorCode: a.memberCode });
    const c = await createMember({ sponsorCode: b.memberCode });
    const x = await createMember();
    const y = await createMember({ sponsorCode: x.memberCode });
    const z = await createMember({ sponsorCode: y.memberCode });
    await confirmedWithPv(b.id, "100");
    await foldVolumes(db);
    await confirmedWithPv(c.id, "40"); // pending when the move starts
    const [bDepth, cDepth] = [await depthOf(b.id), await depthOf(c.id)];
    const before = { b: await depthVolume(bDepth), c: await depthVolume(cDepth), cBelow: await depthVolume(cDepth + 2) };

    await moveMember(db, { actorId: admin!.id, memberCode: b.memberCode, newSponsorCode: z.memberCode });
    expect(await depthOf(b.id)).toBe(bDepth + 2);
    // b's 100 moved from b's old depth to two levels deeper, c's 40 (folded by the move) likewise.
    expect(await depthVolume(bDepth)).toBe(new Dec(before.b).minus(100).toFixed(2));
    expect(await depthVolume(cDepth)).toBe(before.c);
    expect(await depthVolume(cDepth + 2)).toBe(new Dec(before.cBelow).plus(40).toFixed(2));
    expect((await volumeOf(a.id, PERIOD)).pvg).toBe("140.00");
    expect((await volumeOf(x.id, PERIOD)).pvg).toBe("0.00");
    expect(await pendingEvents()).toBe(0);
  });
});
