import type { Config } from "@netlify/functions";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { parseWith } from "../../src/http/validate";
import { idParams, withdrawalSchema } from "../../src/wallet/schemas";
import { cancelWithdrawal } from "../../src/wallet/transitions";

export const contract = defineContract({
  summary: "Cancel one of the member's pending withdrawals: the hold returns to the available balance",
  tag: "Wallet",
  auth: "member",
  params: idParams,
  success: { status: 200, schema: withdrawalSchema },
  errors: [404, 409],
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  const { id } = parseWith(idParams, ctx.params, "path");
  return json(await cancelWithdrawal(ctx.db, me.memberId, id));
});

export const config: Config = { path: "/api/wallet/withdrawals/:id/cancel", method: "POST" };
