import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, jsonItems } from "../../src/http/handler";
import { readQuery } from "../../src/http/validate";
import { networkMemberParam } from "../../src/members/network-scope";
import { upline, uplineSchema } from "../../src/members/upline";

const query = v.strictObject({ member: networkMemberParam });

export const contract = defineContract({
  summary: "A member's sponsors, nearest first, up to the company root",
  tag: "Network",
  auth: "member",
  query,
  success: { status: 200, schema: uplineSchema },
  errors: [404, 422],
});

export default handler(async (ctx) => {
  const viewer = await authenticate(ctx);
  const { member } = readQuery(ctx.url, query);
  return jsonItems(await upline(ctx.db, viewer, member));
});

export const config: Config = { path: "/api/network/upline", method: "GET" };
