import type { Config } from "@netlify/functions";
import { requireRole } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { pageSchema } from "../../src/http/schemas";
import { readQuery } from "../../src/http/validate";
import { adminMemberSchema, adminMembersQuery, listMembers } from "../../src/members/admin-list";

export const contract = defineContract({
  summary: "Every account, filtered (country, role, memberCode, search, enrolledAt from/to), sorted and paged",
  tag: "Admin",
  auth: "support",
  query: adminMembersQuery,
  success: { status: 200, schema: pageSchema(adminMemberSchema) },
});

export default handler(async (ctx) => {
  await requireRole(ctx, "support");
  return json(await listMembers(ctx.db, readQuery(ctx.url, adminMembersQuery)));
});

export const config: Config = { path: "/api/admin/members", method: "GET" };
