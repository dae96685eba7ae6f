import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import summary from "../../netlify/functions/network-summary";
import { now } from "../../src/clock";
import { database, query } from "../../src/db/client";
import { renumberTree } from "../../src/members/renumber";
import { periodOf } from "../../src/periods/calendar";
import { seededRandom } from "../../src/seed/demo";
import { moveMember } from "../../src/members/move";
import { createMember, ROOT_CODE, staffToken } from "../support/fixtures";
import { call } from "../support/http";
import { buy } from "../support/orders";
import { growTree, randomParents, staffId } from "../support/tree";

const PRODUCTS = ["NN-P04", "NN-P12", "NN-P13", "NN-P18"];

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
    // As the fold would have kept it (the root's summary below reads it).
    await db.execute(sql`insert into depth_volume (period, depth, pv)
                         select ${period}, m.depth, sum((m.id % 13) * 10.25) from member m where m.id = any(${`{${active.join(",")}}`}::int[]) group by m.depth
                         on conflict (period, depth) do update set pv = depth_volume.pv + excluded.pv`);

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

  it("for the company root, counts the whole network by rank spreads and takes PV by depth from the fold, after renumberings, signups and moves", async () => {
    const db = await database();
    const period = periodOf(now());
    const random = seededRandom(11);
    const leader = await createMember();
    const first = await growTree(randomParents(400, random, 0.2), { anchorCode: leader.memberCode });
    const buyers = first.ids.filter((_, i) => i % 5 === 0);
    for (const [i, id] of buyers.entries()) await buy(id, [{ sku: PRODUCTS[i % PRODUCTS.length]!, quantity: 1 + (i % 3) }], now());
    await renumberTree(db);
    // After the numbering: signups (overlay), more orders, and moves (flagged rows, shifted PV).
    const joined = await growTree(randomParents(60, random, 0.3), { anchorId: () => first.ids[Math.floor(random() * first.ids.length)]! });
    for (const id of joined.ids.filter((_, i) => i % 4 === 0)) await buy(id, [{ sku: "NN-P04" }], now());
    const admin = await staffId("admin");
    for (const [member, sponsor] of [[first.ids[7]!, joined.ids[3]!], [first.ids[2]!, first.ids[399]!]] as const) {
      const [codes] = await query<{ member: string; sponsor: string }>(db, sql`select (select member_code from member where id = ${member}) as member, (select member_code from member where id = ${sponsor}) as sponsor`);
      await moveMember(db, { actorId: admin, memberCode: codes!.member, newSponsorCode: codes!.sponsor }).catch(() => undefined); // a move into its own subtree is refused: fine
    }

    const expected = await query<{ level: number; members: number; pv: string }>(
      db,
      sql`select m.depth as level, count(*)::int as members, coalesce(sum(v.pv), 0)::numeric(16, 2)::text as pv
          from member m left join member_volume v on v.period = ${period} and v.member_id = m.id
          where m.path is not null and m.depth > 0 group by m.depth order by m.depth`,
    );
    expect(expected.reduce((sum, level) => sum + level.members, 0)).toBeGreaterThan(460);
    const response = await call(summary, { path: `/api/network/summary?member=${ROOT_CODE}`, token: await staffToken("support") });
    expect(response.status).toBe(200);
    expect(response.body.levels).toEqual(expected);
    expect(response.body.totalDownline).toBe(expected.reduce((sum, level) => sum + level.members, 0));
  });
});
