import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { pageQuery, pageSchema, sortQuery } from "../../src/http/schemas";
import { readQuery } from "../../src/http/validate";
import { TRANSACTION_KINDS } from "../../src/ledger/ledger.sql";
import { walletTransactions } from "../../src/wallet/balances";
import { walletTransactionSchema } from "../../src/wallet/schemas";

const query = v.strictObject({
  ...pageQuery,
  sort: sortQuery(["createdAt"], "-createdAt"),
  kind: v.optional(v.picklist(TRANSACTION_KINDS, `Must be one of: ${TRANSACTION_KINDS.join(", ")}`)),
});

export const contract = defineContract({
  summary: "Movements of the member's available balance, each with the balance after it (newest first)",
  tag: "Wallet",
  auth: "member",
  query,
  success: { status: 200, schema: pageSchema(walletTransactionSchema) },
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  const { sort, ...filters } = readQuery(ctx.url, query);
  return json(await walletTransactions(ctx.db, me.memberId, { ...filters, descending: sort.descending }));
});

export const config: Config = { path: "/api/wallet/transactions", method: "GET" };
