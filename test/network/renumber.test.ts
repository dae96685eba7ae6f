import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import treeRenumber, { config } from "../../netlify/functions/tree-renumber";
import downline from "../../netlify/functions/network-downline";
import { database, query } from "../../src/db/client";
import { enrollMember } from "../../src/members/enroll";
import { preorder } from "../../src/members/preorder";
import { renumberTree } from "../../src/members/renumber";
import { createMember, staffToken } from "../support/fixtures";
import { heldTransaction } from "../support/held-transaction";
import { call } from "../support/http";
import { growTree, naiveBelow, randomParents } from "../support/tree";

/** Every network member is numbered (an unmoved row in the live table) or in the overlay: never both, never neither. */
async function placement(): Promise<{ numbered: number; overlay: number; both: number; neither: number }> {
  const [row] = await query<{ numbered: number; overlay: number; both: number; neither: number }>(
    await database(),
    sql`with live as (select * from tree_position_0 where (select active_slot from tree_numbering) = 0
                      union all select * from tree_position_1 where (select active_slot from tree_numbering) = 1),
             state as (select m.id, exists (select 1 from live where live.member_id = m.id and not live.moved) as numbered,
                              exists (select 1 from tree_overlay o where o.member_id = m.id) as overlay
                       from member m where m.path is not null)
        select count(*) filter (where numbered)::int as numbered, count(*) filter (where overlay)::int as overlay,
               count(*) filter (where numbered and overlay)::int as both, count(*) filter (where not numbered and not overlay)::int as neither from state`,
  );
  return row!;
}

describe("preorder", () => {
  it("numbers a small forest as hand-computed: pre-order, subtree sizes, depths and level ranks", () => {
    // 10 > (11 > 13, 12 > 14 > 15); ids ascending, children visited in id order.
    const result = preorder(Int32Array.of(10, 11, 12, 13, 14, 15), Int32Array.of(0, 10, 10, 11, 12, 14));
    expect(Array.from(result.lft)).toEqual([1, 2, 4, 3, 5, 6]);
    expect(Array.from(result.size)).toEqual([6, 2, 3, 1, 2, 1]);
    expect(Array.from(result.depth)).toEqual([0, 1, 1, 2, 2, 3]);
    expect(Array.from(result.levelRank)).toEqual([0, 0, 1, 0, 1, 0]);
    expect(Array.from(result.order)).toEqual([0, 1, 3, 2, 4, 5]);
  });

  it("handles a chain 200,000 deep without recursion", () => {
    const ids = Int32Array.from({ length: 200_000 }, (_, i) => i + 1);
    const result = preorder(ids, Int32Array.from(ids, (id) => id - 1));
    expect(result.size[0]).toBe(200_000);
    expect(result.depth[199_999]).toBe(199_999);
  });

  it("refuses a cycle and a sponsor outside the snapshot", () => {
    expect(() => preorder(Int32Array.of(1, 2, 3), Int32Array.of(0, 3, 2))).toThrow(/cycle/);
    expect(() => preorder(Int32Array.of(1, 2), Int32Array.of(0, 9))).toThrow(/outside the snapshot/);
  });
});

describe("renumberTree", () => {
  it("numbers every member of a snapshot exactly as the sponsor links nest, and empties the overlay", async () => {
    const leader = await createMember();
    await growTree(randomParents(80), { anchorCode: leader.memberCode });
    const db = await database();
    const result = await renumberTree(db);
    expect(result).toMatchObject({ done: true, renumbered: true });
    expect(await placement()).toMatchObject({ overlay: 0, both: 0, neither: 0 });
    // Each member's [lft, lft + size) range holds exactly its naive subtree, and level ranks count up from 0 per depth.
    const rows = await query<{ id: number; depth: number; lft: number; size: number; rank: number }>(
      db,
      sql`select member_id as id, depth, lft, size, level_rank as rank from ${sql.raw(`tree_position_${(await query<{ slot: number }>(db, sql`select active_slot as slot from tree_numbering`))[0]!.slot}`)} order by lft`,
    );
    for (const member of rows.filter((_, i) => i % 7 === 0)) {
      const inRange = rows.filter((other) => other.lft > member.lft && other.lft < member.lft + member.size).map((other) => other.id);
      expect(inRange.sort()).toEqual((await naiveBelow(member.id)).map((below) => below.id).sort());
    }
    const ranks = new Map<number, number>();
    for (const row of rows) {
      expect(row.rank).toBe(ranks.get(row.depth) ?? 0);
      ranks.set(row.depth, row.rank + 1);
    }
  });

  it("is idempotent: with nothing new it writes nothing", async () => {
    const db = await database();
    await renumberTree(db);
    const again = await renumberTree(db);
    const [live] = await query<{ members: number }>(db, sql`select count(*)::int as members from member where path is not null`);
    expect(again).toMatchObject({ done: true, renumbered: false, members: live!.members, leftOverlay: 0 });
  });

  it("keeps a member who joins during the renumbering in the overlay, anchored under its newly numbered sponsor", async () => {
    const db = await database();
    const sponsor = await createMember(); // in the overlay until the renumbering below numbers it
    const signup = await heldTransaction((tx) =>
      enrollMember(tx, { email: `during-${sponsor.id}@example.test`, passwordHash: "x", firstName: "During", lastName: "Renumber", country: "US", sponsorCode: sponsor.memberCode }),
    );
    let finished = false;
    const renumbering = renumberTree(db).then((result) => ((finished = true), result));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(finished).toBe(false); // its last step waits for the signup in flight
    signup.commit();
    const member = await signup.committed;
    expect((await renumbering).renumbered).toBe(true);
    expect(await placement()).toMatchObject({ both: 0, neither: 0, overlay: 1 });
    const response = await call(downline, { path: `/api/network/downline?member=${sponsor.memberCode}`, token: await staffToken("support") });
    expect(response.body).toMatchObject({ total: 1, items: [{ memberCode: member.memberCode, level: 1 }] });
  });

  it("runs hourly as a scheduled function answering a JSON summary", async () => {
    await createMember();
    const { overlay } = await placement();
    expect(config.schedule).toBe("@hourly");
    const response = await call(treeRenumber, { method: "POST", path: "/.netlify/functions/tree-renumber" });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ done: true, renumbered: true, leftOverlay: overlay });
    expect(response.body.generation).toBeGreaterThan(0);
  });
});
