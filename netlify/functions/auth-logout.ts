import type { Config } from "@netlify/functions";
import { refreshTokenBody } from "../../src/auth/schemas";
import { closeSession } from "../../src/auth/session";
import { defineContract } from "../../src/http/contract";
import { handler, noContent } from "../../src/http/handler";
import { readJson } from "../../src/http/validate";

export const contract = defineContract({
  summary: "Sign out: revoke the refresh token's whole family (an unknown token is not an error)",
  tag: "Auth",
  auth: "none",
  body: refreshTokenBody,
  success: { status: 204, description: "Signed out" },
  errors: [413, 415],
});

export default handler(async (ctx) => {
  const { refreshToken } = await readJson(ctx.request, refreshTokenBody);
  await closeSession(ctx.db, refreshToken);
  return noContent();
});

export const config: Config = { path: "/api/auth/logout", method: "POST" };
