import type { Config } from "@netlify/functions";
import { authenticate } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { memberProfile, memberProfileSchema } from "../../src/members/profile";

export const contract = defineContract({
  summary: "The signed-in member's profile",
  tag: "Members",
  auth: "member",
  success: { status: 200, schema: memberProfileSchema },
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  return json(await memberProfile(ctx.db, me.memberId));
});

export const config: Config = { path: "/api/me", method: "GET" };
