import type { Config } from "@netlify/functions";
import { requireRole } from "../../src/auth/guard";
import { staffCommissions, staffCommissionSchema, staffCommissionsQuery } from "../../src/commissions/commission-list";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { pageSchema } from "../../src/http/schemas";
import { readQuery } from "../../src/http/validate";

export const contract = defineContract({
  summary: "Every member's commission lines, filtered (createdAt window: from inclusive, to exclusive), sorted and paged",
  tag: "Admin",
  auth: "support",
  query: staffCommissionsQuery,
  success: { status: 200, schema: pageSchema(staffCommissionSchema) },
  errors: [403],
});

export default handler(async (ctx) => {
  await requireRole(ctx, "support");
  return json(await staffCommissions(ctx.db, readQuery(ctx.url, staffCommissionsQuery)));
});

export const config: Config = { path: "/api/admin/commissions", method: "GET" };
