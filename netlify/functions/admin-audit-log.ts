import type { Config } from "@netlify/functions";
import { auditEntrySchema, auditLogQuery, listAuditLog } from "../../src/audit/list";
import { requireRole } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { pageSchema } from "../../src/http/schemas";
import { readQuery } from "../../src/http/validate";

export const contract = defineContract({
  summary: "The audit log of staff mutations, filtered (action, entityType, entityId, actor memberCode, from/to), sorted and paged",
  tag: "Admin",
  auth: "admin",
  query: auditLogQuery,
  success: { status: 200, schema: pageSchema(auditEntrySchema) },
});

export default handler(async (ctx) => {
  await requireRole(ctx, "admin");
  return json(await listAuditLog(ctx.db, readQuery(ctx.url, auditLogQuery)));
});

export const config: Config = { path: "/api/admin/audit-log", method: "GET" };
