import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { requireRole } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { currencyCode, isoInstant } from "../../src/http/schemas";
import { readJson } from "../../src/http/validate";
import { exchangeRateSchema, setExchangeRate } from "../../src/money/set-exchange-rate";

const body = v.strictObject({
  from: currencyCode,
  to: currencyCode,
  rate: v.pipe(
    v.string(),
    v.regex(/^\d{1,12}(\.\d{1,12})?$/, "Must be a decimal string with at most 12 places"),
    v.check((rate) => /[1-9]/.test(rate), "Must be more than 0"),
  ),
  effectiveFrom: isoInstant,
});

export const contract = defineContract({
  summary: "Set the company exchange rate of a currency pair from an instant on (audited); not in the past",
  tag: "Admin",
  auth: "finance",
  body,
  success: { status: 200, schema: exchangeRateSchema },
  errors: [403, 413, 415, 422],
});

export default handler(async (ctx) => {
  const staff = await requireRole(ctx, "finance");
  const input = await readJson(ctx.request, body);
  return json(await setExchangeRate(ctx.db, { memberId: staff.memberId, requestId: ctx.requestId }, input));
});

export const config: Config = { path: "/api/admin/exchange-rates", method: "PUT" };
