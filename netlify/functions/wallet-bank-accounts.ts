import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { pageQuery, pageSchema } from "../../src/http/schemas";
import { readQuery } from "../../src/http/validate";
import { listBankAccounts } from "../../src/wallet/bank-accounts";
import { bankAccountSchema } from "../../src/wallet/schemas";

const query = v.strictObject(pageQuery);

export const contract = defineContract({
  summary: "The member's bank accounts (numbers shown as last 4 digits only), newest first",
  tag: "Wallet",
  auth: "member",
  query,
  success: { status: 200, schema: pageSchema(bankAccountSchema) },
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  return json(await listBankAccounts(ctx.db, me.memberId, readQuery(ctx.url, query)));
});

export const config: Config = { path: "/api/wallet/bank-accounts", method: "GET" };
