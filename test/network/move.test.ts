import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import move from "../../netlify/functions/admin-member-move";
import downline from "../../netlify/functions/network-downline";
import summary from "../../netlify/functions/network-summary";
import upline from "../../netlify/functions/network-upline";
import { database, query } from "../../src/db/client";
import { enrollMember } from "../../src/members/enroll";
import { moveMember } from "../../src/members/move";
import { renumberTree } from "../../src/members/renumber";
import { lockTreeNumbering } from "../../src/members/tree";
import { createMember, ROOT_CODE, staffToken, type TestMember } from "../support/fixtures";
import { heldTransaction } from "../support/held-transaction";
import { call } from "../support/http";
import { naiveBelow, naiveUpline, staffId } from "../support/tree";

const moveCall = async (memberCode: string, newSponsorCode: string, token?: string) =>
  call(move, { path: `/api/admin/members/${memberCode}/move`, params: { memberCode }, body: { newSponsorCode }, token: token ?? (await staffToken("admin")) });

/** old > x > (y > z, w); new: a separate branch. */
async function branches(): Promise<Record<"old" | "x" | "y" | "z" | "w" | "fresh", TestMember>> {
  const old = await createMember();
  const x = await createMember({ sponsorCode: old.memberCode });
  const y = await createMember({ sponsorCode: x.memberCode });
  const z = await createMember({ sponsorCode: y.memberCode });
  const w = await createMember({ sponsorCode: x.memberCode });
  const fresh = await createMember();
  return { old, x, y, z, w, fresh };
}

const auditRows = async (memberId: number) =>
  query<{ actorId: number; before: unknown; after: unknown; requestId: string }>(
    await database(),
    sql`select actor_id as "actorId", before, after, request_id as "requestId" from audit_log where action = 'member.moved' and entity_id = ${String(memberId)} order by id`,
  );

describe("POST /api/admin/members/{memberCode}/move", () => {
  it("is for admins only", async () => {
    const { x, fresh } = await branches();
    for (const role of ["support", "finance"] as const) expect((await moveCall(x.memberCode, fresh.memberCode, await staffToken(role))).status).toBe(403);
    expect((await moveCall(x.memberCode, fresh.memberCode, x.token)).status).toBe(403);
    expect((await call(move, { path: "/x", params: { memberCode: x.memberCode }, body: { newSponsorCode: fresh.memberCode } })).status).toBe(401);
  });

  it("refuses a move under the member itself or its own downline, and of the root, writing nothing", async () => {
    const { x, z } = await branches();
    for (const sponsor of [x, z]) {
      const response = await moveCall(x.memberCode, sponsor.memberCode);
      expect(response.status).toBe(422);
      expect(response.body.errors).toEqual([{ path: "newSponsorCode", message: "Inside the member's own subtree" }]);
    }
    expect((await moveCall(ROOT_CODE, x.memberCode)).status).toBe(422);
    expect(await auditRows(x.id)).toEqual([]);
    expect((await naiveBelow(x.id)).map((member) => member.id).sort()).toHaveLength(3);
  });

  it("answers 404 for unknown codes and staff-only accounts, 400 for a bad body", async () => {
    const { x } = await branches();
    expect((await moveCall("ZZZZZZZZ", x.memberCode)).status).toBe(404);
    expect((await moveCall(x.memberCode, "ZZZZZZZZ")).body.detail).toBe("Sponsor not found");
    const [staff] = await query<{ code: string }>(await database(), sql`select member_code as code from member where email = 'support@nnprotect.local'`);
    expect((await moveCall(x.memberCode, staff!.code)).status).toBe(404);
    const admin = await staffToken("admin");
    expect((await call(move, { path: "/x", params: { memberCode: x.memberCode }, body: {}, token: admin })).status).toBe(400);
    expect((await call(move, { path: "/x", params: { memberCode: x.memberCode }, body: { newSponsorCode: x.memberCode, why: "?" }, token: admin })).status).toBe(400);
  });

  it("moves the whole subtree, audited, and every network read agrees at once and after renumbering", async () => {
    const { old, x, y, z, w, fresh } = await branches();
    const db = await database();
    await renumberTree(db); // old's numbered range still spans x's subtree after the move: it must stop counting it
    const response = await moveCall(x.memberCode.toLowerCase(), fresh.memberCode.toLowerCase());
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ memberCode: x.memberCode, sponsorCode: fresh.memberCode, previousSponsorCode: old.memberCode, depth: 2, movedMembers: 4 });
    const [audit] = await auditRows(x.id);
    expect(audit).toEqual({
      actorId: await staffId("admin"),
      before: { memberCode: x.memberCode, sponsorCode: old.memberCode, depth: 2 },
      after: { memberCode: x.memberCode, sponsorCode: fresh.memberCode, depth: 2, movedMembers: 4 },
      requestId: response.headers.get("x-request-id"),
    });

    const admin = await staffToken("support");
    const read = async () => ({
      old: (await call(summary, { path: `/api/network/summary?member=${old.memberCode}`, token: admin })).body,
      fresh: (await call(summary, { path: `/api/network/summary?member=${fresh.memberCode}`, token: admin })).body,
      freshLevel3: (await call(downline, { path: `/api/network/downline?member=${fresh.memberCode}&level=3`, token: admin })).body,
      zUpline: (await call(upline, { path: `/api/network/upline?member=${z.memberCode}`, token: admin })).body.items.map((item: { memberCode: string }) => item.memberCode),
    });
    const afterMove = await read();
    expect(afterMove.old).toMatchObject({ totalDownline: 0, levels: [] });
    expect(afterMove.fresh).toMatchObject({ totalDownline: 4, levels: [{ level: 1, members: 1 }, { level: 2, members: 2 }, { level: 3, members: 1 }] });
    expect(afterMove.freshLevel3).toMatchObject({ total: 1, items: [{ memberCode: z.memberCode, level: 3 }] });
    expect(afterMove.zUpline).toEqual([y.memberCode, x.memberCode, fresh.memberCode, ROOT_CODE]);
    expect(afterMove.zUpline).toEqual(await naiveUpline(z.id));
    const [paths] = await query<{ ok: boolean }>(db, sql`select bool_and(m.path = s.path || m.id and m.depth = s.depth + 1) as ok from member m join member s on s.id = m.sponsor_id where m.id in (${x.id}, ${y.id}, ${z.id}, ${w.id})`);
    expect(paths!.ok).toBe(true);

    await renumberTree(db);
    expect(await read()).toEqual(afterMove);
  });

  it("changes nothing, and audits nothing, when the sponsor is already the one named", async () => {
    const { old, x } = await branches();
    const response = await moveCall(x.memberCode, old.memberCode);
    expect(response.body).toMatchObject({ sponsorCode: old.memberCode, previousSponsorCode: old.memberCode, movedMembers: 0 });
    expect(await auditRows(x.id)).toEqual([]);
  });

  it("serialises crossing moves: moving each of two members under the other leaves no cycle", async () => {
    const a = await createMember();
    const b = await createMember();
    const adminId = await staffId("admin");
    const outcomes = await Promise.allSettled([
      moveMember(await database(), { actorId: adminId, memberCode: a.memberCode, newSponsorCode: b.memberCode }),
      moveMember(await database(), { actorId: adminId, memberCode: b.memberCode, newSponsorCode: a.memberCode }),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(outcomes.find((outcome) => outcome.status === "rejected")).toMatchObject({ reason: { code: "business_rule" } });
    expect(await naiveUpline(a.id)).toContain(ROOT_CODE);
    expect(await naiveUpline(b.id)).toContain(ROOT_CODE);
  });

  it("waits for a signup in progress under the moved subtree, so the new member's path follows the move", async () => {
    const { x, y, fresh } = await branches();
    const db = await database();
    const signup = await heldTransaction((tx) =>
      enrollMember(tx, { email: `late-${y.id}@example.test`, passwordHash: "x", firstName: "Late", lastName: "Joiner", country: "MX", sponsorCode: y.memberCode }),
    );
    let moved = false;
    const moving = moveMember(db, { actorId: await staffId("admin"), memberCode: x.memberCode, newSponsorCode: fresh.memberCode }).then((result) => ((moved = true), result));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(moved).toBe(false);
    signup.commit();
    const late = await signup.committed;
    expect((await moving).movedMembers).toBe(5);
    expect(await naiveUpline(late.id)).toEqual([y.memberCode, x.memberCode, fresh.memberCode, ROOT_CODE]);
    const [row] = await query<{ path: number[] }>(db, sql`select path from member where id = ${late.id}`);
    expect(row!.path.slice(-4)).toEqual([fresh.id, x.id, y.id, late.id]);
  });

  it("waits for a renumbering in progress", async () => {
    const { x, fresh } = await branches();
    const db = await database();
    const renumbering = await heldTransaction((tx) => lockTreeNumbering(tx));
    let moved = false;
    const moving = moveMember(db, { actorId: await staffId("admin"), memberCode: x.memberCode, newSponsorCode: fresh.memberCode }).then(() => (moved = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(moved).toBe(false);
    renumbering.commit();
    await renumbering.committed;
    await moving;
    expect(moved).toBe(true);
  });
});
