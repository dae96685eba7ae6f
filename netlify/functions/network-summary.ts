import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { authenticate } from "../../src/auth/guard";
import { now } from "../../src/clock";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { readQuery } from "../../src/http/validate";
import { networkMemberParam } from "../../src/members/network-scope";
import { networkSummary, networkSummarySchema } from "../../src/members/network-summary";
import { periodOf } from "../../src/periods/calendar";

const query = v.strictObject({ member: networkMemberParam });

export const contract = defineContract({
  summary: "Head counts and PV per level below a member, and the member's PV and PVG, this period",
  tag: "Network",
  auth: "member",
  query,
  success: { status: 200, schema: networkSummarySchema },
  errors: [404, 422],
});

export default handler(async (ctx) => {
  const viewer = await authenticate(ctx);
  const { member } = readQuery(ctx.url, query);
  return json(await networkSummary(ctx.db, viewer, member, periodOf(now())));
});

export const config: Config = { path: "/api/network/summary", method: "GET" };
