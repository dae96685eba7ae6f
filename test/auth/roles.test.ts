import { and, eq } from "drizzle-orm";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { auditLogTable } from "../../src/audit/audit.sql";
import { database } from "../../src/db/client";
import { memberTable } from "../../src/members/members.sql";
import setRole, { contract } from "../../netlify/functions/admin-member-role";
import { createMember, staffToken } from "../support/fixtures";
import { call } from "../support/http";
import { expectProblem } from "./helpers";

const put = (memberCode: string, body: unknown, token?: string) =>
  call(setRole, { method: "PUT", path: `/api/admin/members/${memberCode}/role`, params: { memberCode }, body, token });

const auditOf = async (memberId: number) =>
  (await database())
    .select()
    .from(auditLogTable)
    .where(and(eq(auditLogTable.entityType, "member"), eq(auditLogTable.entityId, String(memberId))));

const roleOf = async (memberId: number) =>
  (await (await database()).select({ role: memberTable.role }).from(memberTable).where(eq(memberTable.id, memberId)))[0]!.role;

describe("PUT /api/admin/members/{memberCode}/role", () => {
  it("is refused below admin (403) and without a token (401)", async () => {
    const target = await createMember();
    const member = await createMember();
    expectProblem(await put(target.memberCode, { role: "admin" }, member.token), 403);
    expectProblem(await put(target.memberCode, { role: "admin" }, await staffToken("support")), 403);
    expectProblem(await put(target.memberCode, { role: "admin" }, await staffToken("finance")), 403);
    expectProblem(await put(target.memberCode, { role: "admin" }), 401);
    expect(await roleOf(target.id)).toBe("member");
    expect(await auditOf(target.id)).toHaveLength(0);
  });

  it("lets an admin set the role, audited with before and after, and the member's existing token acts with it at once", async () => {
    const admin = await createMember({ role: "admin" });
    const target = await createMember();
    const response = await put(target.memberCode.toLowerCase(), { role: "admin" }, admin.token);
    expect(response.status).toBe(200);
    expect(v.parse(contract.success.schema, response.body)).toMatchObject({ id: target.id, memberCode: target.memberCode, role: "admin" });
    expect(response.headers.get("x-request-id")).toEqual(expect.any(String));

    const [entry, ...more] = await auditOf(target.id);
    expect(more).toHaveLength(0);
    expect(entry).toMatchObject({
      actorId: admin.id,
      action: "member.role_changed",
      before: { memberCode: target.memberCode, role: "member" },
      after: { memberCode: target.memberCode, role: "admin" },
      requestId: response.headers.get("x-request-id"),
    });

    // target.token was issued when they were a member; the guard reads the role from the database.
    const third = await createMember();
    expect((await put(third.memberCode, { role: "support" }, target.token)).status).toBe(200);
    expect(await roleOf(third.id)).toBe("support");
    expect((await put(third.memberCode, { role: "member" }, admin.token)).body.role).toBe("member");
    expectProblem(await put(admin.memberCode, { role: "finance" }, third.token), 403);
  });

  it("refuses an admin demoting themself (422); keeping their own role is a no-op", async () => {
    const admin = await createMember({ role: "admin" });
    expectProblem(await put(admin.memberCode, { role: "member" }, admin.token), 422, "role");
    const same = await put(admin.memberCode, { role: "admin" }, admin.token);
    expect(same.status).toBe(200);
    expect(await roleOf(admin.id)).toBe("admin");
    expect(await auditOf(admin.id)).toHaveLength(0);
  });

  it("never leaves zero admins when two admins demote each other at once", async () => {
    const [a, b] = [await createMember({ role: "admin" }), await createMember({ role: "admin" })];
    const responses = await Promise.all([put(b.memberCode, { role: "member" }, a.token), put(a.memberCode, { role: "member" }, b.token)]);
    expect(responses.map((response) => response.status).sort()).toEqual([200, 403]);
    expect([await roleOf(a.id), await roleOf(b.id)].sort()).toEqual(["admin", "member"]);
  });

  it("answers 404 for an unknown member code and 400 for an unknown role or field", async () => {
    const admin = await staffToken("admin");
    const target = await createMember();
    expectProblem(await put("ZZZZZZZZ", { role: "support" }, admin), 404);
    expectProblem(await put(target.memberCode, { role: "owner" }, admin), 400, "role");
    expectProblem(await put(target.memberCode, { role: "support", reason: "x" }, admin), 400, "reason");
    expect(await roleOf(target.id)).toBe("member");
  });
});
