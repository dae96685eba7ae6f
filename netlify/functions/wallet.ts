import type { Config } from "@netlify/functions";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { walletSummary } from "../../src/wallet/balances";
import { walletSchema } from "../../src/wallet/schemas";

export const contract = defineContract({
  summary: "The signed-in member's wallet balances in their currency",
  tag: "Wallet",
  auth: "member",
  success: { status: 200, schema: walletSchema },
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  return json(await walletSummary(ctx.db, me.memberId));
});

export const config: Config = { path: "/api/wallet", method: "GET" };
