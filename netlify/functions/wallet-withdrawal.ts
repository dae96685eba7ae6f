import type { Config } from "@netlify/functions";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { parseWith } from "../../src/http/validate";
import { idParams, withdrawalSchema } from "../../src/wallet/schemas";
import { memberWithdrawal } from "../../src/wallet/withdrawals";

export const contract = defineContract({
  summary: "One of the member's withdrawals (another member's is 404)",
  tag: "Wallet",
  auth: "member",
  params: idParams,
  success: { status: 200, schema: withdrawalSchema },
  errors: [404],
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  const { id } = parseWith(idParams, ctx.params, "path");
  return json(await memberWithdrawal(ctx.db, me.memberId, id));
});

export const config: Config = { path: "/api/wallet/withdrawals/:id", method: "GET" };
