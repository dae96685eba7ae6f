import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { pageQuery, pageSchema, sortQuery } from "../../src/http/schemas";
import { readQuery } from "../../src/http/validate";
import { withdrawalSchema } from "../../src/wallet/schemas";
import { WITHDRAWAL_STATUSES } from "../../src/wallet/wallet.sql";
import { memberWithdrawals } from "../../src/wallet/withdrawals";

const query = v.strictObject({
  ...pageQuery,
  sort: sortQuery(["createdAt", "amount"], "-createdAt"),
  status: v.optional(v.picklist(WITHDRAWAL_STATUSES, `Must be one of: ${WITHDRAWAL_STATUSES.join(", ")}`)),
});

export const contract = defineContract({
  summary: "The member's withdrawals",
  tag: "Wallet",
  auth: "member",
  query,
  success: { status: 200, schema: pageSchema(withdrawalSchema) },
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  return json(await memberWithdrawals(ctx.db, me.memberId, readQuery(ctx.url, query)));
});

export const config: Config = { path: "/api/wallet/withdrawals", method: "GET" };
