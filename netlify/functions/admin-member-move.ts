import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { requireRole } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { parseWith, readJson } from "../../src/http/validate";
import { memberMovedSchema, moveMember } from "../../src/members/move";

const params = v.object({ memberCode: v.pipe(v.string(), v.nonEmpty(), v.maxLength(32)) });
const body = v.strictObject({ newSponsorCode: v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(32)) });

export const contract = defineContract({
  summary: "Move a member, with everyone below, under another sponsor (audited); never under their own downline",
  tag: "Admin",
  auth: "admin",
  params,
  body,
  success: { status: 200, schema: memberMovedSchema },
  errors: [403, 404, 413, 415, 422],
});

export default handler(async (ctx) => {
  const admin = await requireRole(ctx, "admin");
  const { memberCode } = parseWith(params, ctx.params, "path");
  const { newSponsorCode } = await readJson(ctx.request, body);
  return json(await moveMember(ctx.db, { actorId: admin.memberId, memberCode, newSponsorCode, requestId: ctx.requestId }));
});

export const config: Config = { path: "/api/admin/members/:memberCode/move", method: "POST" };
