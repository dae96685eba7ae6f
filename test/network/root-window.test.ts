import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import downline from "../../netlify/functions/network-downline";
import { database, query } from "../../src/db/client";
import { moveMember } from "../../src/members/move";
import { renumberTree } from "../../src/members/renumber";
import { liveSlot } from "../../src/members/tree";
import { rankOfUnmoved, rootWindow } from "../../src/members/root-window";
import { seededRandom } from "../../src/seed/demo";
import { ROOT_CODE } from "../support/fixtures";
import { call } from "../support/http";
import { growTree, levelCounts, naiveBelow, randomParents, staffId } from "../support/tree";
import { issueAccessToken } from "../../src/auth/tokens";

// The company root's downline, whole or by level, starts each page at a rank of the numbering instead of an
// OFFSET (src/members/root-window.ts). Its pages must be exactly the naive ones: with overlay
// signups after the numbered members, with moved rows left in the numbering, and (falling back to
// OFFSET) when a moved member's old enrolment instant interleaves with the numbered ones.

let staffToken: string;
let rootId: number;

/** Every page of the root's whole downline and of each of its levels, against the naive walk. */
async function expectRootPagesMatch(pageSize: number): Promise<void> {
  const expected = await naiveBelow(rootId);
  const lists = [{ filter: "", members: expected }, ...levelCounts(expected).map(({ level }) => ({ filter: `&level=${level}`, members: expected.filter((member) => member.level === level) }))];
  for (const { filter, members } of lists) {
    const codes: string[] = [];
    for (let page = 1; page <= Math.ceil(members.length / pageSize) + 1; page += 1) {
      const response = await call(downline, { path: `/api/network/downline?member=${ROOT_CODE}${filter}&page=${page}&pageSize=${pageSize}`, token: staffToken });
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(members.length);
      codes.push(...response.body.items.map((item: { memberCode: string }) => item.memberCode));
    }
    expect(codes).toEqual(members.map((member) => member.memberCode));
  }
}

/** Whether level `level` of the root (undefined: every level) is paged by rank now (else by OFFSET). */
async function pagedByRank(level: number | undefined): Promise<boolean> {
  const db = await database();
  return db.transaction(async (tx) => (await rootWindow(tx, await liveSlot(tx), level, { offset: 0, pageSize: 10 })) !== null);
}

beforeAll(async () => {
  staffToken = await issueAccessToken({ memberId: await staffId("support"), role: "support" });
  const [root] = await query<{ id: number }>(await database(), sql`select id from member where member_code = ${ROOT_CODE}`);
  rootId = root!.id;
  // Enrolment instants shared in threes, so the member-code tie-breaker orders the ranks too.
  const first = await growTree(randomParents(120, seededRandom(9), 0.2), { enrolledAt: (i) => new Date(Date.UTC(2025, 0, 1, 0, 0, Math.floor(i / 3))) });
  await renumberTree(await database());
  // Later signups (the overlay) under numbered members.
  await growTree(new Array(25).fill(-1), { anchorId: (i) => first.ids[(i * 7) % 120]!, enrolledAt: (i) => new Date(Date.UTC(2025, 6, 1, 0, 0, Math.floor(i / 2))) });
});

describe("the company root's downline, whole and by level", () => {
  it("starts pages at a rank while the overlay follows the numbered members, and pages exactly", async () => {
    const levels = levelCounts(await naiveBelow(rootId));
    for (const { level } of levels) expect(await pagedByRank(level)).toBe(true);
    expect(await pagedByRank(undefined)).toBe(true);
    await expectRootPagesMatch(4);
    await expectRootPagesMatch(50);
  });

  it("skips rows moved since the numbering, and falls back to OFFSET where a moved member's instant interleaves", async () => {
    const db = await database();
    // A numbered leaf of level 2 moves under a deeper member: its old row stays in level 2,
    // flagged moved, and it joins a deeper level from the overlay with its early instant.
    const expected = await naiveBelow(rootId);
    const hasChildren = new Set((await query<{ id: number }>(db, sql`select distinct sponsor_id as id from member where sponsor_id is not null`)).map((row) => row.id));
    const leaf = expected.find((member) => member.level === 2 && !hasChildren.has(member.id))!;
    const deeper = expected.find((member) => member.level >= 3 && expected.some((other) => other.level === member.level + 1))!;
    await moveMember(db, { actorId: await staffId("admin"), memberCode: leaf.memberCode, newSponsorCode: deeper.memberCode });
    expect(await pagedByRank(2)).toBe(true);
    expect(await pagedByRank(deeper.level + 1)).toBe(false);
    expect(await pagedByRank(undefined)).toBe(false);
    await expectRootPagesMatch(3);
    await renumberTree(db);
    expect(await pagedByRank(deeper.level + 1)).toBe(true);
    expect(await pagedByRank(undefined)).toBe(true);
    await expectRootPagesMatch(3);
  });
});

describe("rankOfUnmoved", () => {
  it("counts past the moved ranks at or before the place", () => {
    expect(rankOfUnmoved(0, [])).toBe(0);
    expect(rankOfUnmoved(5, [])).toBe(5);
    // ranks 0 and 2 moved: the unmoved are 1, 3, 4, 5, ...
    expect([0, 1, 2, 3].map((index) => rankOfUnmoved(index, [0, 2]))).toEqual([1, 3, 4, 5]);
    expect(rankOfUnmoved(1, [5, 6])).toBe(1);
    expect(rankOfUnmoved(5, [5, 6])).toBe(7);
  });
});
