import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { requireRole } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { currencyCode, decimalString, instantWindow, pageQuery, pageSchema, sortQuery } from "../../src/http/schemas";
import { readQuery } from "../../src/http/validate";
import { staffWithdrawalSchema } from "../../src/wallet/schemas";
import { STAFF_WITHDRAWAL_SORTS, staffWithdrawals } from "../../src/wallet/staff-list";
import { WITHDRAWAL_STATUSES } from "../../src/wallet/wallet.sql";

const query = v.strictObject({
  ...pageQuery,
  ...instantWindow,
  sort: sortQuery(STAFF_WITHDRAWAL_SORTS, "-createdAt"),
  status: v.optional(v.picklist(WITHDRAWAL_STATUSES, `Must be one of: ${WITHDRAWAL_STATUSES.join(", ")}`)),
  country: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, "Must be a 2-letter country code"))),
  currency: v.optional(currencyCode),
  memberCode: v.optional(v.pipe(v.string(), v.nonEmpty(), v.maxLength(32))),
  flagged: v.optional(v.pipe(v.picklist(["true", "false"], "Must be true or false"), v.transform((value) => value === "true"))),
  minAmount: v.optional(decimalString),
  maxAmount: v.optional(decimalString),
});

export const contract = defineContract({
  summary: "Every member's withdrawals, filtered (createdAt window: from inclusive, to exclusive), sorted and paged",
  tag: "Admin",
  auth: "finance",
  query,
  success: { status: 200, schema: pageSchema(staffWithdrawalSchema) },
  errors: [403],
});

export default handler(async (ctx) => {
  await requireRole(ctx, "finance");
  return json(await staffWithdrawals(ctx.db, readQuery(ctx.url, query)));
});

export const config: Config = { path: "/api/admin/withdrawals", method: "GET" };
