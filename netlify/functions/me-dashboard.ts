import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { authenticate } from "../../src/auth/guard";
import { now } from "../../src/clock";
import { dashboardSchema, memberDashboard } from "../../src/dashboard/dashboard";
import { AppError } from "../../src/errors";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { periodString } from "../../src/http/schemas";
import { readQuery } from "../../src/http/validate";
import { periodOf } from "../../src/periods/calendar";

const query = v.strictObject({ period: v.optional(v.pipe(periodString, v.description("Default: the current period"))) });

export const contract = defineContract({
  summary: "The signed-in member's period: volumes, ranks, earnings per bonus, cashback credit and points",
  tag: "Members",
  auth: "member",
  query,
  success: { status: 200, schema: dashboardSchema },
  errors: [404],
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  const current = periodOf(now());
  const period = readQuery(ctx.url, query).period ?? current;
  if (period > current) throw new AppError("validation", "The query is invalid", { errors: [{ path: "period", message: "Must not be after the current period" }] });
  return json(await memberDashboard(ctx.db, me.memberId, period));
});

export const config: Config = { path: "/api/me/dashboard", method: "GET" };
