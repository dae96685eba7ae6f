import type { Config } from "@netlify/functions";
import { authenticate } from "../../src/auth/guard";
import { now } from "../../src/clock";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { pageSchema } from "../../src/http/schemas";
import { readQuery } from "../../src/http/validate";
import { downlineItemSchema, downlinePage, downlineQuery } from "../../src/members/downline";
import { periodOf } from "../../src/periods/calendar";

export const contract = defineContract({
  summary: "Members below a member, one level or all, by enrolment (then member code), searchable by name or code",
  tag: "Network",
  auth: "member",
  query: downlineQuery,
  success: { status: 200, schema: pageSchema(downlineItemSchema) },
  errors: [404, 422],
});

export default handler(async (ctx) => {
  const viewer = await authenticate(ctx);
  return json(await downlinePage(ctx.db, viewer, readQuery(ctx.url, downlineQuery), periodOf(now())));
});

export const config: Config = { path: "/api/network/downline", method: "GET" };
