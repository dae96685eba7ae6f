import type { Config } from "@netlify/functions";
import { requireRole } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { parseWith } from "../../src/http/validate";
import { idParams, withdrawalSchema } from "../../src/wallet/schemas";
import { processWithdrawal } from "../../src/wallet/transitions";

export const contract = defineContract({
  summary: "Mark an approved withdrawal paid out (audited): net to payout clearing, fee to fee revenue; 409 with currentStatus from any other state",
  tag: "Admin",
  auth: "finance",
  params: idParams,
  success: { status: 200, schema: withdrawalSchema },
  errors: [403, 404, 409],
});

export default handler(async (ctx) => {
  const staff = await requireRole(ctx, "finance");
  const { id } = parseWith(idParams, ctx.params, "path");
  return json(await processWithdrawal(ctx.db, { memberId: staff.memberId, requestId: ctx.requestId }, id));
});

export const config: Config = { path: "/api/admin/withdrawals/:id/process", method: "POST" };
