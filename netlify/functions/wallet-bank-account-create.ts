import type { Config } from "@netlify/functions";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { readJson } from "../../src/http/validate";
import { addBankAccount } from "../../src/wallet/bank-accounts";
import { bankAccountBody, bankAccountSchema } from "../../src/wallet/schemas";

export const contract = defineContract({
  summary: "Add a bank account in the member's own country: MX CLABE, US ABA routing + account, or CO bank code + account",
  tag: "Wallet",
  auth: "member",
  body: bankAccountBody,
  success: { status: 201, schema: bankAccountSchema, description: "Stored with the full numbers encrypted; a withdrawal in the next review hours is flagged" },
  errors: [409, 413, 415, 422],
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  const input = await readJson(ctx.request, bankAccountBody);
  return json(await addBankAccount(ctx.db, me.memberId, input), 201);
});

export const config: Config = { path: "/api/wallet/bank-accounts", method: "POST" };
