import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import downline from "../../netlify/functions/network-downline";
import { issueAccessToken } from "../../src/auth/tokens";
import { database, query } from "../../src/db/client";
import { levelByRank, rankOfIncluded } from "../../src/members/level-by-rank";
import { moveMember } from "../../src/members/move";
import { renumberTree } from "../../src/members/renumber";
import { liveSlot, treeNode } from "../../src/members/tree";
import { seededRandom } from "../../src/seed/demo";
import { ROOT_CODE } from "../support/fixtures";
import { call } from "../support/http";
import { growTree, levelCounts, naiveBelow, randomParents, staffId } from "../support/tree";

// A level that holds most of its depth (every level of the company root, the levels of a leader
// whose subtree is most of the network) starts each page at a rank of the numbering instead of an
// OFFSET (src/members/level-by-rank.ts). Its pages must be exactly the naive ones: with overlay
// signups after the numbered members, with rows outside the leader's range or moved since the
// numbering, and (falling back to OFFSET) when a moved member's old enrolment instant interleaves.

let staffToken: string;
const ids = new Map<string, number>();

/** Every page of every level below `code`, against the naive walk. */
async function expectLevelsMatch(code: string, pageSize: number): Promise<void> {
  const expected = await naiveBelow(ids.get(code)!);
  for (const { level, members } of levelCounts(expected)) {
    const atLevel = expected.filter((member) => member.level === level).map((member) => member.memberCode);
    const codes: string[] = [];
    for (let page = 1; page <= Math.ceil(members / pageSize) + 1; page += 1) {
      const response = await call(downline, { path: `/api/network/downline?member=${code}&level=${level}&page=${page}&pageSize=${pageSize}`, token: staffToken });
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(members);
      codes.push(...response.body.items.map((item: { memberCode: string }) => item.memberCode));
    }
    expect(codes).toEqual(atLevel);
  }
}

/** Whether this level below `code` is paged by rank now (else by OFFSET). */
async function pagedByRank(code: string, level: number): Promise<boolean> {
  const db = await database();
  return db.transaction(async (tx) => {
    const slot = await liveSlot(tx);
    const { depth, lft, size } = await treeNode(tx, slot, ids.get(code)!);
    return (await levelByRank(tx, slot, { depth, lft: lft!, size: size! }, level, { offset: 0, pageSize: 10 })).window !== null;
  });
}

beforeAll(async () => {
  staffToken = await issueAccessToken({ memberId: await staffId("support"), role: "support" });
  const [root] = await query<{ id: number }>(await database(), sql`select id from member where member_code = ${ROOT_CODE}`);
  ids.set(ROOT_CODE, root!.id);
  // A leader with most of the network below (120 members), between two small branches of 6, so
  // the leader's range has rows of its depths on both sides. Enrolment instants repeat in threes,
  // so the member-code tie-breaker orders the ranks too.
  const instant = (i: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, Math.floor(i / 3)));
  const tops = await growTree([-1, -1, -1], { enrolledAt: instant });
  const big = await growTree(randomParents(120, seededRandom(9), 0.2), { anchorId: tops.ids[1]!, enrolledAt: (i) => instant(i + 3) });
  for (const top of [0, 2]) await growTree(randomParents(6, seededRandom(top), 0), { anchorId: tops.ids[top]!, enrolledAt: (i) => instant(i + 50 + top) });
  [1, 0].forEach((top) => ids.set(tops.codes[top]!, tops.ids[top]!));
  await renumberTree(await database());
  // Later signups (the overlay) under numbered members of the big subtree.
  await growTree(new Array(25).fill(-1), { anchorId: (i) => big.ids[(i * 7) % 120]!, enrolledAt: (i) => new Date(Date.UTC(2025, 6, 1, 0, 0, Math.floor(i / 2))) });
});

describe("a downline level paged by rank", () => {
  it("starts pages at a rank for the root and for a leader with most of the network, and pages exactly", async () => {
    const [leader, small] = [...ids.keys()].slice(1);
    for (const { level } of levelCounts(await naiveBelow(ids.get(ROOT_CODE)!))) expect(await pagedByRank(ROOT_CODE, level)).toBe(true);
    expect(await pagedByRank(leader!, 1)).toBe(true);
    expect(await pagedByRank(small!, 1)).toBe(false);
    for (const code of [ROOT_CODE, leader!, small!]) await expectLevelsMatch(code, 4);
    await expectLevelsMatch(ROOT_CODE, 50);
  });

  it("skips rows moved since the numbering, and falls back to OFFSET where a moved member's instant interleaves", async () => {
    const db = await database();
    // A numbered leaf of level 3 moves under a deeper member: its old row stays in level 3,
    // flagged moved, and it joins a deeper level from the overlay with its early instant.
    const expected = await naiveBelow(ids.get(ROOT_CODE)!);
    const sponsors = new Set((await query<{ id: number }>(db, sql`select distinct sponsor_id as id from member where sponsor_id is not null`)).map((row) => row.id));
    const leaf = expected.find((member) => member.level === 3 && !sponsors.has(member.id))!;
    const deeper = expected.find((member) => member.level >= 4 && expected.some((other) => other.level === member.level + 1))!;
    await moveMember(db, { actorId: await staffId("admin"), memberCode: leaf.memberCode, newSponsorCode: deeper.memberCode });
    expect(await pagedByRank(ROOT_CODE, 3)).toBe(true);
    expect(await pagedByRank(ROOT_CODE, deeper.level + 1)).toBe(false);
    for (const code of ids.keys()) await expectLevelsMatch(code, 3);
    await renumberTree(db);
    expect(await pagedByRank(ROOT_CODE, deeper.level + 1)).toBe(true);
    for (const code of ids.keys()) await expectLevelsMatch(code, 3);
  });
});

describe("rankOfIncluded", () => {
  it("counts past the excluded ranks at or before the place", () => {
    expect(rankOfIncluded(0, [])).toBe(0);
    expect(rankOfIncluded(5, [])).toBe(5);
    // ranks 0 and 2 excluded: the included are 1, 3, 4, 5, ...
    expect([0, 1, 2, 3].map((index) => rankOfIncluded(index, [0, 2]))).toEqual([1, 3, 4, 5]);
    expect(rankOfIncluded(1, [5, 6])).toBe(1);
    expect(rankOfIncluded(5, [5, 6])).toBe(7);
    // a run of excluded ranks at the start: 0, 1, 2
    expect(rankOfIncluded(0, [0, 1, 2, 9])).toBe(3);
  });
});
