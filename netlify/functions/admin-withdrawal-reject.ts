import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { requireRole } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { parseWith, readJson } from "../../src/http/validate";
import { idParams, withdrawalSchema } from "../../src/wallet/schemas";
import { rejectWithdrawal } from "../../src/wallet/transitions";

const body = v.strictObject({ reason: v.pipe(v.string(), v.trim(), v.nonEmpty("A reason is required"), v.maxLength(500, "At most 500 characters")) });

export const contract = defineContract({
  summary: "Reject a pending or approved withdrawal with a reason (audited): the hold returns to the available balance",
  tag: "Admin",
  auth: "finance",
  params: idParams,
  body,
  success: { status: 200, schema: withdrawalSchema },
  errors: [403, 404, 409, 413, 415],
});

export default handler(async (ctx) => {
  const staff = await requireRole(ctx, "finance");
  const { id } = parseWith(idParams, ctx.params, "path");
  const { reason } = await readJson(ctx.request, body);
  return json(await rejectWithdrawal(ctx.db, { memberId: staff.memberId, requestId: ctx.requestId }, id, reason));
});

export const config: Config = { path: "/api/admin/withdrawals/:id/reject", method: "POST" };
