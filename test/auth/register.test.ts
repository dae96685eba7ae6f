import { sql } from "drizzle-orm";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { database, query } from "../../src/db/client";
import register, { contract } from "../../netlify/functions/auth-register";
import refresh from "../../netlify/functions/auth-refresh";
import me from "../../netlify/functions/me";
import { createMember } from "../support/fixtures";
import { call } from "../support/http";
import { expectProblem } from "./helpers";

let counter = 0;
const signup = (overrides: Record<string, unknown> = {}) => {
  counter += 1;
  return {
    email: `signup${counter}.${Date.now()}@example.test`,
    password: "a long enough passphrase",
    firstName: "Ana",
    lastName: "López",
    country: "MX",
    sponsorCode: "NNPROTECT",
    ...overrides,
  };
};

describe("POST /api/auth/register", () => {
  it("enrolls the member under the sponsor named by code and signs them in", async () => {
    const sponsor = await createMember({ country: "US", firstName: "Sofia" });
    const body = signup({ firstName: "  Ana ", lastName: " López  ", country: "co", sponsorCode: ` ${sponsor.memberCode.toLowerCase()} ` });
    const response = await call(register, { path: "/api/auth/register", body });

    expect(response.status).toBe(201);
    const session = v.parse(contract.success.schema, response.body);
    expect(session.member).toMatchObject({
      email: body.email,
      firstName: "Ana",
      lastName: "López",
      country: "CO",
      currency: "COP",
      role: "member",
      sponsor: { memberCode: sponsor.memberCode, name: "Sofia Test" },
      careerRank: null,
    });
    expect(session.member.memberCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(new Date(session.member.enrolledAt).toISOString()).toBe(session.member.enrolledAt);

    const [row] = await query<{ sponsorId: number; path: number[]; passwordHash: string }>(
      await database(),
      sql`select sponsor_id as "sponsorId", path, password_hash as "passwordHash" from member where id = ${session.member.id}`,
    );
    expect(row!.sponsorId).toBe(sponsor.id);
    expect(row!.path.slice(-2)).toEqual([sponsor.id, session.member.id]);
    expect(row!.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(row!.passwordHash).not.toContain(body.password);

    const profile = await call(me, { path: "/api/me", token: session.accessToken });
    expect(profile.status).toBe(200);
    expect(profile.body).toEqual(session.member);
    expect((await call(refresh, { path: "/api/auth/refresh", body: { refreshToken: session.refreshToken } })).status).toBe(200);
  });

  it("refuses an unknown sponsor code (400 at sponsorCode) and creates nobody", async () => {
    const body = signup({ sponsorCode: "ZZZZZZZZ" });
    expectProblem(await call(register, { path: "/api/auth/register", body }), 400, "sponsorCode");
    const rows = await query(await database(), sql`select 1 from member where email = ${body.email}`);
    expect(rows).toHaveLength(0);
  });

  it("refuses an email already registered in another case (409)", async () => {
    const existing = await createMember();
    expectProblem(await call(register, { path: "/api/auth/register", body: signup({ email: existing.email.toUpperCase() }) }), 409, "email");
  });

  it("lets exactly one of two simultaneous sign-ups with one email through", async () => {
    const email = `race.${Date.now()}@example.test`;
    const responses = await Promise.all([call(register, { path: "/api/auth/register", body: signup({ email }) }), call(register, { path: "/api/auth/register", body: signup({ email: email.toUpperCase() }) })]);
    expect(responses.map((response) => response.status).sort()).toEqual([201, 409]);
    expectProblem(responses.find((response) => response.status === 409)!, 409, "email");
  });

  it.each([
    ["a password under 10 characters", { password: "short-pw9" }, "password"],
    ["a password over 128 characters", { password: "x".repeat(129) }, "password"],
    ["a malformed email", { email: "not-an-email" }, "email"],
    ["a blank first name", { firstName: "   " }, "firstName"],
    ["a name with control characters", { lastName: "Lo\u0000pez" }, "lastName"],
    ["a country that is not a code", { country: "MEX" }, "country"],
    ["a country we do not operate in", { country: "ZZ" }, "country"],
    ["an unknown field", { referrer: "x" }, "referrer"],
    ["a missing field", { sponsorCode: undefined }, "sponsorCode"],
  ])("refuses %s (400 with its path)", async (_name, overrides, path) => {
    expectProblem(await call(register, { path: "/api/auth/register", body: signup(overrides) }), 400, path);
  });

  it("refuses a __proto__ key", async () => {
    const rawBody = JSON.stringify(signup()).replace(/^\{/, '{"__proto__":{"role":"admin"},');
    expectProblem(await call(register, { path: "/api/auth/register", rawBody, headers: { "content-type": "application/json" } }), 400, "__proto__");
  });

  it("refuses a body that is not JSON (415) or over 64 KiB (413)", async () => {
    const text = JSON.stringify(signup());
    expectProblem(await call(register, { path: "/api/auth/register", rawBody: text, headers: { "content-type": "text/plain" } }), 415);
    const huge = JSON.stringify(signup({ lastName: "x".repeat(70 * 1024) }));
    expectProblem(await call(register, { path: "/api/auth/register", rawBody: huge, headers: { "content-type": "application/json" } }), 413);
  });
});
