import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import downline from "../../netlify/functions/network-downline";
import { database, query } from "../../src/db/client";
import { buildLevelChunks, chunkWindow, LEVEL_CHUNK_ROWS } from "../../src/members/level-chunks";
import { moveMember } from "../../src/members/move";
import { renumberTree } from "../../src/members/renumber";
import { liveNode, liveSlot, readTree } from "../../src/members/tree";
import { seededRandom } from "../../src/seed/demo";
import { createMember, staffToken, type TestMember } from "../support/fixtures";
import { call } from "../support/http";
import { growTree, levelCounts, naiveBelow, randomParents, staffId, type GrownTree } from "../support/tree";

// A page far into a large subtree's level, or its whole downline, is found by the level chunks
// (src/members/level-chunks.ts), not by OFFSET. Chunks of a few rows here, so a small tree spans
// many of them, with rows of another subtree interleaved in the same chunks: every page must be
// exactly the naive one.

const CHUNK_ROWS = 4;
let leader: TestMember;
let other: TestMember;
let leaderTree: GrownTree;

/** Two subtrees sharing depths, their instants interleaved and repeated (the member-code tie-breaker). */
beforeAll(async () => {
  leader = await createMember();
  other = await createMember();
  const random = seededRandom(21);
  const instant = (second: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, second));
  leaderTree = await growTree(randomParents(160, random, 0.15), { anchorCode: leader.memberCode, enrolledAt: (i) => instant(Math.floor(i / 3) * 2) });
  await growTree(randomParents(120, random, 0.15), { anchorCode: other.memberCode, enrolledAt: (i) => instant(Math.floor(i / 3) * 2 + 1) });
  await renumberWithSmallChunks();
});

async function renumberWithSmallChunks(): Promise<void> {
  const db = await database();
  await renumberTree(db);
  await buildLevelChunks(db, await liveSlot(db), CHUNK_ROWS);
}

/** Every page of `member`'s level `level` (undefined: every level) as chunkWindow cuts it (null: it declined), as member codes. */
async function chunkPages(memberId: number, level: number | undefined, total: number, pageSize: number): Promise<string[][] | null> {
  const pages: string[][] = [];
  for (let offset = 0; offset < total; offset += pageSize) {
    const page = await readTree(await database(), async (tx) => {
      const { slot, node } = (await liveNode(tx, sql`m.id = ${memberId}`))!;
      const window = await chunkWindow(tx, slot, node, level, { offset, pageSize }, total);
      if (!window?.page) return window && [];
      const rows = await query<{ code: string }>(tx, sql`select m.member_code as code from (${window.page}) p join member m on m.id = p.id order by m.enrolled_at, m.member_code`);
      return rows.map((row) => row.code);
    });
    if (page === null) return null;
    pages.push(page);
  }
  return pages;
}

/** The naive pages of every level below `memberId` and of all of them, and chunkWindow's, which must agree. */
async function expectLevelsPagedByChunks(memberId: number, pageSize: number): Promise<void> {
  const below = await naiveBelow(memberId);
  const lists = [{ level: undefined, members: below }, ...levelCounts(below).map(({ level }) => ({ level, members: below.filter((member) => member.level === level) }))];
  for (const { level, members } of lists) {
    const codes = members.map((member) => member.memberCode);
    const expected = Array.from({ length: Math.ceil(codes.length / pageSize) }, (_, page) => codes.slice(page * pageSize, (page + 1) * pageSize));
    expect({ level, pages: await chunkPages(memberId, level, codes.length, pageSize) }).toEqual({ level, pages: expected });
  }
}

describe("level chunks", () => {
  it("are rebuilt by each renumbering: every row of the live numbering in one chunk of its depth and one of every depth, lft sorted", async () => {
    await createMember(); // a signup, so the renumbering has work to do
    await renumberTree(await database()); // chunks of the default size
    const [check] = await query<{ rows: number; chunked: number; wrong: number }>(
      await database(),
      sql`with live as (select * from tree_position_0 where (select active_slot from tree_numbering) = 0
                        union all select * from tree_position_1 where (select active_slot from tree_numbering) = 1),
               chunk as (select * from tree_level_chunk where slot = (select active_slot from tree_numbering))
          select (select count(*) from live)::int as rows, (select sum(cardinality(lfts)) from chunk)::int as chunked,
                 (select count(*) from chunk c
                  where c.first_rank % ${LEVEL_CHUNK_ROWS} <> 0
                     or c.lfts <> array(select lft from live
                                        where case when c.depth = -1 then live.network_rank / ${LEVEL_CHUNK_ROWS} = c.first_rank / ${LEVEL_CHUNK_ROWS}
                                                   else live.depth = c.depth and live.order_rank / ${LEVEL_CHUNK_ROWS} = c.first_rank / ${LEVEL_CHUNK_ROWS} end
                                        order by lft))::int as wrong`,
    );
    expect(check!.rows).toBeGreaterThan(280);
    // Each row once by its depth, and each but the root's once more among every depth.
    expect(check).toEqual({ rows: check!.rows, chunked: 2 * check!.rows - 1, wrong: 0 });
    await buildLevelChunks(await database(), await liveSlot(await database()), CHUNK_ROWS);
  });

  it("page every level of a subtree exactly, its rows interleaved with another subtree's in the same chunks", async () => {
    await expectLevelsPagedByChunks(leader.id, 5);
    await expectLevelsPagedByChunks(other.id, 3);
    // A member inside the subtree: its range is a part of the leader's.
    const [inner] = await query<{ id: number }>(await database(), sql`select sponsor_id as id from member where id = any(${`{${leaderTree.ids.join(",")}}`}::int[]) group by sponsor_id order by count(*) desc limit 1`);
    await expectLevelsPagedByChunks(inner!.id, 2);
  });

  it("place members who joined since the numbering after the numbered ones", async () => {
    // Later than everyone numbered, as signups are.
    const [latest] = await query<{ at: string }>(await database(), sql`select max(enrolled_at)::text as at from member`);
    const after = (seconds: number) => new Date(new Date(latest!.at).getTime() + 1_000 * (1 + seconds));
    await growTree(new Array(12).fill(-1), { anchorId: (i) => leaderTree.ids[(i * 13) % leaderTree.ids.length]!, enrolledAt: (i) => after(Math.floor(i / 2)) });
    await expectLevelsPagedByChunks(leader.id, 4);
  });

  it("leave out rows of members moved away since the numbering, and decline where a moved member's instant interleaves", async () => {
    const db = await database();
    // A numbered member of the leader's level 2 moves, with its subtree, under the other leader.
    const below = await naiveBelow(leader.id);
    const moved = below.find((member) => member.level === 2 && leaderTree.ids.includes(member.id))!;
    await moveMember(db, { actorId: await staffId("admin"), memberCode: moved.memberCode, newSponsorCode: other.memberCode });
    await expectLevelsPagedByChunks(leader.id, 4);
    // Under the other leader it is in the overlay with its old instant: level 1 and the whole list
    // decline (OFFSET pages them).
    const otherBelow = await naiveBelow(other.id);
    expect(await chunkPages(other.id, 1, otherBelow.filter((member) => member.level === 1).length, 4)).toBeNull();
    expect(await chunkPages(other.id, undefined, otherBelow.length, 4)).toBeNull();
    await renumberWithSmallChunks();
    await expectLevelsPagedByChunks(other.id, 4);
  });

  it("decline when they do not count the list (none built for this numbering)", async () => {
    const db = await database();
    const directs = (await naiveBelow(leader.id)).filter((member) => member.level === 1).length;
    await db.execute(sql`delete from tree_level_chunk`);
    expect(await chunkPages(leader.id, 1, directs, 4)).toBeNull();
    await renumberWithSmallChunks();
    expect(await chunkPages(leader.id, 1, directs, 4)).not.toBeNull();
  });
});

describe("GET /api/network/downline, far into a long level", () => {
  it("answers the naive pages where the chunks find them, and where OFFSET does", async () => {
    // 4,200 directs: a page in the middle would skip over 2,000 rows (CHUNKS_FROM_SKIP).
    const big = await createMember();
    await growTree(new Array(4_200).fill(-1), { anchorCode: big.memberCode, enrolledAt: (i) => new Date(Date.UTC(2025, 2, 1, 0, 0, Math.floor(i / 3))) });
    await renumberTree(await database());
    const expected = (await naiveBelow(big.id)).map((member) => member.memberCode);
    const token = await staffToken("support");
    for (const page of [1, 2, 42, 43, 44, 60, 84]) {
      const response = await call(downline, { path: `/api/network/downline?member=${big.memberCode}&level=1&page=${page}&pageSize=50`, token });
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(4_200);
      expect(response.body.items.map((item: { memberCode: string }) => item.memberCode)).toEqual(expected.slice((page - 1) * 50, page * 50));
    }
    expect(await chunkPages(big.id, 1, 4_200, 2_000)).not.toBeNull();
  });
});
