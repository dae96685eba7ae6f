import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { database, query } from "../../src/db/client";
import { AppError } from "../../src/errors";
import { downlinePage } from "../../src/members/downline";
import { moveMember } from "../../src/members/move";
import { networkSummary } from "../../src/members/network-summary";
import { renumberTree } from "../../src/members/renumber";
import { upline } from "../../src/members/upline";
import { seededRandom } from "../../src/seed/demo";
import { createMember, ROOT_CODE } from "../support/fixtures";
import { growTree, levelCounts, naiveBelow, naiveUpline, randomParents, staffId, staffViewer } from "../support/tree";

// The numbering + overlay must answer exactly what walking sponsor links answers, whatever mix of
// numbered and overlay members a tree holds: before any renumbering, after one, after signups and
// moves on top of it, and after renumbering again.

const PERIOD = "2026-01";

/** Every network answer for `code` against the naive reference. */
async function expectMatchesReference(db: Awaited<ReturnType<typeof database>>, id: number, code: string): Promise<void> {
  const expected = await naiveBelow(id);
  const summary = await networkSummary(db, staffViewer, code, PERIOD);
  expect(summary.levels.map(({ level, members }) => ({ level, members }))).toEqual(levelCounts(expected));
  expect(summary.totalDownline).toBe(expected.length);

  const all = await downlinePage(db, staffViewer, { member: code, page: 1, pageSize: 100 }, PERIOD);
  expect(all.total).toBe(expected.length);
  expect(all.items.map((item) => item.memberCode)).toEqual(expected.slice(0, 100).map((member) => member.memberCode));

  for (const { level } of levelCounts(expected).slice(0, 4)) {
    const atLevel = expected.filter((member) => member.level === level);
    for (const page of [1, Math.ceil(atLevel.length / 3)]) {
      const got = await downlinePage(db, staffViewer, { member: code, level, page, pageSize: 3 }, PERIOD);
      expect(got.total).toBe(atLevel.length);
      expect(got.items.map((item) => item.memberCode)).toEqual(atLevel.slice((page - 1) * 3, page * 3).map((member) => member.memberCode));
    }
  }
  expect((await upline(db, staffViewer, code)).map((item) => (JSON.parse(item) as { memberCode: string }).memberCode)).toEqual(await naiveUpline(id));
}

describe("tree reads against a naive recursive reference", () => {
  it("agree on random trees through renumberings, signups and moves", async () => {
    const db = await database();
    const adminId = await staffId("admin");
    const [rootRow] = await query<{ id: number }>(db, sql`select id from member where member_code = ${ROOT_CODE}`);
    const root = { id: rootRow!.id, code: ROOT_CODE };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 20, max: 60 }), async (seed, size) => {
        const random = seededRandom(seed);
        const anchor = await createMember();
        // Enrolment instants repeat in threes, so the member-code tie-breaker is exercised.
        const first = await growTree(randomParents(size, random), { anchorCode: anchor.memberCode, enrolledAt: (i) => new Date(Date.UTC(2025, 0, 1, 0, 0, Math.floor(i / 3))) });
        const members = [{ id: anchor.id, code: anchor.memberCode }, ...first.ids.map((id, i) => ({ id, code: first.codes[i]! }))];
        const pick = () => members[Math.floor(random() * members.length)]!;
        const check = async () => {
          // The company root too: its levels are whole levels of the network, paged by rank.
          for (const member of [root, members[0]!, pick(), pick(), pick()]) await expectMatchesReference(db, member.id, member.code);
        };

        await check(); // all in the overlay
        await renumberTree(db);
        await check(); // all numbered

        const joined = await growTree(randomParents(15, random), { anchorCode: pick().code });
        members.push(...joined.ids.map((id, i) => ({ id, code: joined.codes[i]! })));
        for (let moves = 0; moves < 3; moves += 1) {
          const [member, sponsor] = [members[1 + Math.floor(random() * (members.length - 1))]!, pick()];
          const outcome = await moveMember(db, { actorId: adminId, memberCode: member.code, newSponsorCode: sponsor.code }).catch((error: unknown) => error);
          const inside = (await naiveBelow(member.id)).some((below) => below.id === sponsor.id) || sponsor.id === member.id;
          if (inside) expect(outcome).toMatchObject({ code: "business_rule" } satisfies Partial<AppError>);
          else expect(outcome).toMatchObject({ sponsorCode: sponsor.code });
        }
        await check(); // numbered, overlay signups, moved subtrees
        await renumberTree(db);
        await check();
      }),
      { numRuns: 6 },
    );
  });
});
