import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { clientIp, login } from "../../src/auth/login";
import { emailSchema, passwordSchema } from "../../src/auth/schemas";
import { sessionSchema } from "../../src/auth/session";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { readJson } from "../../src/http/validate";

const body = v.strictObject({ email: emailSchema, password: passwordSchema });

export const contract = defineContract({
  summary: "Sign in with email and password (members and staff)",
  tag: "Auth",
  auth: "none",
  body,
  success: { status: 200, schema: sessionSchema },
  errors: [413, 415, 429],
});

export default handler(async (ctx) => {
  const credentials = await readJson(ctx.request, body);
  return json(await login(ctx.db, credentials, clientIp(ctx.request)));
});

export const config: Config = { path: "/api/auth/login", method: "POST" };
