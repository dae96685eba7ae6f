import type { Config } from "@netlify/functions";
import { refreshTokenBody } from "../../src/auth/schemas";
import { refreshSession, tokenPairSchema } from "../../src/auth/session";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { readJson } from "../../src/http/validate";

export const contract = defineContract({
  summary: "Spend a refresh token for a new access and refresh token; reusing a spent one revokes its family",
  tag: "Auth",
  auth: "none",
  body: refreshTokenBody,
  success: { status: 200, schema: tokenPairSchema },
  errors: [413, 415],
});

export default handler(async (ctx) => {
  const { refreshToken } = await readJson(ctx.request, refreshTokenBody);
  return json(await refreshSession(ctx.db, refreshToken));
});

export const config: Config = { path: "/api/auth/refresh", method: "POST" };
