import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { requireRole } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { parseWith, readJson } from "../../src/http/validate";
import { ROLES } from "../../src/members/members.sql";
import { memberProfileSchema } from "../../src/members/profile";
import { changeMemberRole } from "../../src/members/roles";

const params = v.object({ memberCode: v.pipe(v.string(), v.nonEmpty(), v.maxLength(32)) });
const body = v.strictObject({ role: v.picklist(ROLES, `Must be one of: ${ROLES.join(", ")}`) });

export const contract = defineContract({
  summary: "Set a member's role (audited); an admin cannot demote themself",
  tag: "Admin",
  auth: "admin",
  params,
  body,
  success: { status: 200, schema: memberProfileSchema },
  errors: [403, 404, 413, 415, 422],
});

export default handler(async (ctx) => {
  const admin = await requireRole(ctx, "admin");
  const { memberCode } = parseWith(params, ctx.params, "path");
  const { role } = await readJson(ctx.request, body);
  return json(await changeMemberRole(ctx.db, { actorId: admin.memberId, memberCode, role, requestId: ctx.requestId }));
});

export const config: Config = { path: "/api/admin/members/:memberCode/role", method: "PUT" };
