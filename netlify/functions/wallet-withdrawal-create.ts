import type { Config } from "@netlify/functions";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { idempotencyKeyOf, idempotent } from "../../src/http/idempotency";
import { readJson } from "../../src/http/validate";
import { getPlan } from "../../src/plan/plan";
import { withdrawalBody, withdrawalSchema } from "../../src/wallet/schemas";
import { requestWithdrawal } from "../../src/wallet/withdrawals";

export const contract = defineContract({
  summary: "Request a withdrawal: the whole amount moves to hold; the flat fee comes out of it (net = amount - fee)",
  tag: "Wallet",
  auth: "member",
  body: withdrawalBody,
  idempotent: true,
  success: { status: 201, schema: withdrawalSchema },
  errors: [409, 413, 415, 422],
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  const input = await readJson(ctx.request, withdrawalBody);
  const key = idempotencyKeyOf(ctx.request);
  const plan = await getPlan(ctx.db);
  const response = await idempotent(ctx.db, { scope: `withdrawal:${me.memberId}`, key, payload: input }, async (tx) => ({
    status: 201,
    body: await requestWithdrawal(tx, plan, me.memberId, input),
  }));
  return json(response.body, response.status);
});

export const config: Config = { path: "/api/wallet/withdrawals", method: "POST" };
