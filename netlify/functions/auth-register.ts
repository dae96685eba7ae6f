import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { registerMember } from "../../src/auth/register";
import { emailSchema, newPasswordSchema, personNameSchema } from "../../src/auth/schemas";
import { sessionSchema } from "../../src/auth/session";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { readJson } from "../../src/http/validate";

const body = v.strictObject({
  email: emailSchema,
  password: newPasswordSchema,
  firstName: personNameSchema,
  lastName: personNameSchema,
  country: v.pipe(v.string(), v.regex(/^[A-Za-z]{2}$/, "Must be a 2-letter country code"), v.toUpperCase()),
  sponsorCode: v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(32)),
});

export const contract = defineContract({
  summary: "Sign up as a network member under a sponsor's code, and sign in",
  tag: "Auth",
  auth: "none",
  body,
  success: { status: 201, schema: sessionSchema },
  errors: [409, 413, 415],
});

export default handler(async (ctx) => {
  const registration = await readJson(ctx.request, body);
  return json(await registerMember(ctx.db, registration), 201);
});

export const config: Config = { path: "/api/auth/register", method: "POST" };
