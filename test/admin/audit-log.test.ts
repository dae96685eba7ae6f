import { eq } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import auditLogHandler from "../../netlify/functions/admin-audit-log";
import setRoleHandler from "../../netlify/functions/admin-member-role";
import { writeAudit } from "../../src/audit/audit";
import { database } from "../../src/db/client";
import { memberTable } from "../../src/members/members.sql";
import { createMember, staffToken, type TestMember } from "../support/fixtures";
import { call } from "../support/http";

const auditLog = (path: string, token?: string) => call(auditLogHandler, { path: `/api/admin/audit-log${path}`, token });

let admin: string;
let adminCode: string;
let financeCode: string;
let member: TestMember;

/** writeAudit stamps the business clock: freeze it at `instant` for one entry. */
async function auditAt(instant: string, entry: Parameters<typeof writeAudit>[1]) {
  process.env.APP_NOW = instant;
  try {
    await writeAudit(await database(), entry);
  } finally {
    delete process.env.APP_NOW;
  }
}

async function staffRow(email: string) {
  const [row] = await (await database()).select({ id: memberTable.id, memberCode: memberTable.memberCode }).from(memberTable).where(eq(memberTable.email, email));
  return row!;
}

beforeAll(async () => {
  admin = await staffToken("admin");
  member = await createMember();
  const adminRow = await staffRow("admin@nnprotect.local");
  const financeRow = await staffRow("finance@nnprotect.local");
  adminCode = adminRow.memberCode;
  financeCode = financeRow.memberCode;
  await auditAt("2024-01-05T10:00:00Z", { actorId: financeRow.id, action: "withdrawal.approve", entityType: "withdrawal", entityId: 7, before: { status: "pending" }, after: { status: "approved" } });
  await auditAt("2024-01-06T10:00:00Z", { actorId: financeRow.id, action: "withdrawal.process", entityType: "withdrawal", entityId: 7, before: { status: "approved" }, after: { status: "processed" } });
  await auditAt("2024-01-07T10:00:00Z", { actorId: null, action: "period.close", entityType: "period", entityId: "2023-12", after: { status: "closed" } });
  // One through a real staff route, to see what a mutation records.
  const changed = await call(setRoleHandler, { method: "PUT", path: `/api/admin/members/${member.memberCode}/role`, params: { memberCode: member.memberCode }, body: { role: "support" }, token: admin });
  expect(changed.status).toBe(200);
});

afterEach(() => {
  delete process.env.APP_NOW;
});

const actions = (body: { items: { action: string }[] }) => body.items.map((item) => item.action);

describe("GET /api/admin/audit-log: access (admin only)", () => {
  it("answers 401 problem+json without a token", async () => {
    const res = await auditLog("");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it.each(["support", "finance"] as const)("answers 403 to %s staff", async (role) => {
    expect((await auditLog("", await staffToken(role))).status).toBe(403);
  });

  it("answers 403 to a member", async () => {
    const outsider = await createMember();
    expect((await auditLog("", outsider.token)).status).toBe(403);
  });
});

describe("GET /api/admin/audit-log: entries, filters, sort, pages", () => {
  it("lists newest first, with the actor and the state before and after", async () => {
    const res = await auditLog("", admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, pageSize: 20, total: 4 });
    expect(actions(res.body)).toEqual(["member.role_changed", "period.close", "withdrawal.process", "withdrawal.approve"]);
    const roleChange = res.body.items[0];
    expect(roleChange).toMatchObject({ entityType: "member", actor: { memberCode: adminCode, name: "Admin Staff", role: "admin" } });
    expect(roleChange.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.items[1]).toEqual({
      id: expect.any(Number),
      createdAt: "2024-01-07T10:00:00.000Z",
      action: "period.close",
      entityType: "period",
      entityId: "2023-12",
      actor: null,
      before: null,
      after: { status: "closed" },
      requestId: null,
    });
  });

  it("filters by action, entity, actor member code and time window", async () => {
    expect(actions((await auditLog("?action=withdrawal.approve", admin)).body)).toEqual(["withdrawal.approve"]);
    expect(actions((await auditLog("?entityType=withdrawal&entityId=7&sort=createdAt", admin)).body)).toEqual(["withdrawal.approve", "withdrawal.process"]);
    expect(actions((await auditLog(`?memberCode=${financeCode.toLowerCase()}`, admin)).body)).toEqual(["withdrawal.process", "withdrawal.approve"]);
    expect(actions((await auditLog(`?memberCode=${adminCode}`, admin)).body)).toEqual(["member.role_changed"]);
    const window = await auditLog("?from=2024-01-06T10:00:00Z&to=2024-01-07T10:00:00Z", admin);
    expect(actions(window.body)).toEqual(["withdrawal.process"]);
    expect(window.body.total).toBe(1);
  });

  it("sorts by action and pages", async () => {
    expect(actions((await auditLog("?sort=action", admin)).body)).toEqual(["member.role_changed", "period.close", "withdrawal.approve", "withdrawal.process"]);
    const page = (await auditLog("?sort=createdAt&pageSize=1&page=2", admin)).body;
    expect(page).toMatchObject({ page: 2, pageSize: 1, total: 4 });
    expect(actions(page)).toEqual(["withdrawal.process"]);
  });

  it.each([
    ["?sort=actor", "sort"],
    ["?to=2024-01-01T00:00:00Z&from=2024-02-01T00:00:00Z", "to"],
    ["?action=", "action"],
    ["?actor=x", "actor"],
  ])("refuses %s with a 400 on %s", async (search, path) => {
    const res = await auditLog(search, admin);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((error: { path: string }) => error.path)).toContain(path);
  });
});
