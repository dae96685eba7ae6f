import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import downline from "../../netlify/functions/network-downline";
import summary from "../../netlify/functions/network-summary";
import { now } from "../../src/clock";
import { database, query } from "../../src/db/client";
import { renumberTree } from "../../src/members/renumber";
import { periodOf } from "../../src/periods/calendar";
import { seededRandom } from "../../src/seed/demo";
import { createMember, type TestMember } from "../support/fixtures";
import { call } from "../support/http";
import { growTree, levelCounts, naiveBelow, randomParents, type NaiveMember } from "../support/tree";

// A generated subtree of 150 members: the first 100 numbered by a renumbering, the last 50 joined
// after it (the overlay), with enrolment instants shared in pairs so the member-code tie-breaker
// decides the order.

let leader: TestMember;
let expected: NaiveMember[];

async function allPages(path: string, pageSize: number): Promise<{ codes: string[]; totals: number[] }> {
  const codes: string[] = [];
  const totals: number[] = [];
  for (let page = 1; ; page += 1) {
    const response = await call(downline, { path: `${path}${path.includes("?") ? "&" : "?"}page=${page}&pageSize=${pageSize}`, token: leader.token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ page, pageSize });
    totals.push(response.body.total);
    if (response.body.items.length === 0) return { codes, totals };
    codes.push(...response.body.items.map((item: { memberCode: string }) => item.memberCode));
  }
}

beforeAll(async () => {
  leader = await createMember({ country: "CO" });
  const random = seededRandom(42);
  const parents = randomParents(150, random, 0.15);
  const pairs = (offset: number) => (i: number) => new Date(Date.UTC(2025, 5, 1, 12, 0, Math.floor((offset + i) / 2)));
  const first = await growTree(parents.slice(0, 100), { anchorCode: leader.memberCode, enrolledAt: pairs(0) });
  await renumberTree(await database());
  // The last 50 join under members of the first 100.
  await growTree(new Array(50).fill(-1), { anchorId: (i) => first.ids[(parents[100 + i]! + 100) % 100]!, enrolledAt: pairs(100) });
  expected = await naiveBelow(leader.id);
});

describe("GET /api/network/downline", () => {
  it("pages the whole subtree in enrolment then member-code order, every member exactly once", async () => {
    const { codes, totals } = await allPages("/api/network/downline", 7);
    expect(codes).toEqual(expected.map((member) => member.memberCode));
    expect(new Set(totals)).toEqual(new Set([150]));
  });

  it("pages each level with its exact count, from either end of the list", async () => {
    for (const { level, members } of levelCounts(expected)) {
      const { codes, totals } = await allPages(`/api/network/downline?level=${level}`, 3);
      expect(codes).toEqual(expected.filter((member) => member.level === level).map((member) => member.memberCode));
      expect(totals[0]).toBe(members);
    }
  });

  it("answers an empty page past the end, with the total", async () => {
    const response = await call(downline, { path: "/api/network/downline?page=99&pageSize=20", token: leader.token });
    expect(response.body).toEqual({ items: [], page: 99, pageSize: 20, total: 150 });
  });

  it("describes each member: level below the reader, name, country, rank name, volumes and enrolment", async () => {
    const db = await database();
    const target = expected.find((member) => member.level === 2)!;
    await db.execute(sql`update member set first_name = 'Lucía', last_name = 'Restrepo', country = 'CO', career_rank = (select code from rank order by position limit 1) where id = ${target.id}`);
    await db.execute(sql`insert into member_volume (period, member_id, pv, pvg) values (${periodOf(now())}, ${target.id}, 1465, 2930.5), ('2000-01', ${target.id}, 9, 9)`);
    const response = await call(downline, { path: "/api/network/downline?level=2&pageSize=100", token: leader.token });
    const [rank] = await query<{ name: string }>(db, sql`select name from rank order by position limit 1`);
    const item = response.body.items.find((candidate: { memberCode: string }) => candidate.memberCode === target.memberCode);
    expect(item).toEqual({ memberCode: target.memberCode, name: "Lucía Restrepo", level: 2, country: "CO", careerRank: rank!.name, pv: "1465.00", pvg: "2930.50", enrolledAt: expect.stringMatching(/^2025-06-01T12:00:\d\d\.000Z$/) });
    const other = response.body.items.find((candidate: { memberCode: string }) => candidate.memberCode !== target.memberCode);
    expect(other).toMatchObject({ careerRank: null, pv: "0.00", pvg: "0.00" });
  });

  it("searches names and member codes case-insensitively, alone or within a level", async () => {
    const db = await database();
    const [named, coded] = [expected[10]!, expected[20]!];
    await db.execute(sql`update member set first_name = 'Guadalupe', last_name = 'Ñúñez' where id = ${named.id}`);
    const byName = await call(downline, { path: `/api/network/downline?search=${encodeURIComponent("lupe ñú")}`, token: leader.token });
    expect(byName.body.items.map((item: { memberCode: string }) => item.memberCode)).toEqual([named.memberCode]);
    expect(byName.body.total).toBe(1);
    const byCode = await call(downline, { path: `/api/network/downline?search=${coded.memberCode.slice(1, 7).toLowerCase()}`, token: leader.token });
    expect(byCode.body.items.map((item: { memberCode: string }) => item.memberCode)).toContain(coded.memberCode);
    const inOtherLevel = await call(downline, { path: `/api/network/downline?level=${named.level + 1}&search=guadalupe`, token: leader.token });
    expect(inOtherLevel.body).toMatchObject({ items: [], total: 0 });
    const wildcard = await call(downline, { path: "/api/network/downline?search=%25", token: leader.token });
    expect(wildcard.body.total).toBe(0);
  });
});

describe("GET /api/network/summary", () => {
  it("counts every level exactly, sums the period's PV per level, and gives the reader's own PV and PVG", async () => {
    const db = await database();
    const period = periodOf(now());
    const [x, y] = [expected.find((member) => member.level === 1)!, expected.find((member) => member.level === 3)!];
    await db.execute(sql`insert into member_volume (period, member_id, pv, pvg) values (${period}, ${x.id}, 100.25, 100.25), (${period}, ${y.id}, 50, 50), (${period}, ${leader.id}, 10, 160.25)
                         on conflict (period, member_id) do update set pv = member_volume.pv + excluded.pv, pvg = member_volume.pvg + excluded.pvg`);
    const rows = await query<{ level: number; pv: string }>(
      db,
      sql`select m.depth - (select depth from member where id = ${leader.id}) as level, sum(v.pv)::numeric(16, 2)::text as pv
          from member_volume v join member m on m.id = v.member_id
          where v.period = ${period} and m.id = any(${`{${expected.map((member) => member.id).join(",")}}`}::int[]) group by m.depth`,
    );
    const pvByLevel = new Map(rows.map((row) => [row.level, row.pv]));
    const response = await call(summary, { path: "/api/network/summary", token: leader.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      totalDownline: 150,
      levels: levelCounts(expected).map(({ level, members }) => ({ level, members, pv: pvByLevel.get(level) ?? "0.00" })),
      pv: "10.00",
      pvg: "160.25",
    });
  });

  it("answers zeros and no levels for a member with no downline and no volume", async () => {
    const loner = await createMember();
    const response = await call(summary, { path: "/api/network/summary", token: loner.token });
    expect(response.body).toEqual({ totalDownline: 0, levels: [], pv: "0.00", pvg: "0.00" });
  });
});
