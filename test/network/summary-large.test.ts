import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import summary from "../../netlify/functions/network-summary";
import { now } from "../../src/clock";
import { database, query } from "../../src/db/client";
import { renumberTree } from "../../src/members/renumber";
import { periodOf } from "../../src/periods/calendar";
import { seededRandom } from "../../src/seed/demo";
import { createMember, staffToken } from "../support/fixtures";
import { call } from "../support/http";
import { growTree, randomParents } from "../support/tree";

// Large subtrees (20,000+ members below) join the period's volumes instead of looking each member
// up: the answer must be the same.

describe("GET /api/network/summary of a large subtree", () => {
  it("counts each level and sums its PV exactly, numbered and overlay members alike", async () => {
    const db = await database();
    const period = periodOf(now());
    const leader = await createMember();
    const random = seededRandom(9);
    const first = await growTree(randomParents(20_500, random, 0.01), { anchorCode: leader.memberCode });
    await renumberTree(db);
    await growTree(randomParents(300, random, 0.3), { anchorId: () => first.ids[Math.floor(random() * first.ids.length)]! });
    const active = first.ids.filter((_, i) => i % 7 === 0);
    await db.execute(sql`insert into member_volume (period, member_id, pv, pvg)
                         select ${period}, id, (id % 13) * 10.25, 0 from unnest(${`{${active.join(",")}}`}::int[]) as id`);

    const expected = await query<{ level: number; members: number; pv: string }>(
      db,
      sql`with recursive below(id, level) as (
            select id, 0 from member where id = ${leader.id}
            union all select m.id, below.level + 1 from member m join below on m.sponsor_id = below.id
          )
          select below.level, count(*)::int as members, coalesce(sum(v.pv), 0)::numeric(16, 2)::text as pv
          from below left join member_volume v on v.period = ${period} and v.member_id = below.id
          where below.level > 0 group by below.level order by below.level`,
    );
    const response = await call(summary, { path: `/api/network/summary?member=${leader.memberCode}`, token: await staffToken("support") });
    expect(response.status).toBe(200);
    expect(response.body.totalDownline).toBe(20_800);
    expect(response.body.levels).toEqual(expected);
  });
});
