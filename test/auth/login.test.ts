import { sql } from "drizzle-orm";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import login, { contract } from "../../netlify/functions/auth-login";
import me from "../../netlify/functions/me";
import { createMember, FIXTURE_PASSWORD } from "../support/fixtures";
import { call } from "../support/http";
import { expectProblem, minutes, setClock } from "./helpers";

afterEach(() => {
  delete process.env.APP_NOW;
});

const signIn = (email: string, password: string, headers: Record<string, string> = {}) => call(login, { path: "/api/auth/login", body: { email, password }, headers });

/** Failed attempts already in the window for a throttling key, without paying for scrypt. */
async function recordFailures(key: string, count: number, at: Date) {
  await (await database()).execute(sql`insert into rate_limit_event (key, occurred_at) select ${key}, ${at.toISOString()}::timestamptz from generate_series(1, ${count})`);
}

describe("POST /api/auth/login", () => {
  it("signs a member in whatever the email's case, with a working access token", async () => {
    const member = await createMember();
    const response = await signIn(`  ${member.email.toUpperCase()} `, FIXTURE_PASSWORD);
    expect(response.status).toBe(200);
    const session = v.parse(contract.success.schema, response.body);
    expect(session.member).toMatchObject({ id: member.id, memberCode: member.memberCode, role: "member" });
    const profile = await call(me, { path: "/api/me", token: session.accessToken });
    expect(profile.body.memberCode).toBe(member.memberCode);
  });

  it("signs a seeded staff account in the same way", async () => {
    const response = await signIn("finance@nnprotect.local", "staff-password-for-tests");
    expect(response.status).toBe(200);
    expect(response.body.member).toMatchObject({ email: "finance@nnprotect.local", role: "finance", sponsor: null, currency: "MXN" });
  });

  it("answers one generic 401 for a wrong password and for an unknown email", async () => {
    const member = await createMember();
    const wrong = await signIn(member.email, "not the password");
    const unknown = await signIn(`nobody.${Date.now()}@example.test`, FIXTURE_PASSWORD);
    expectProblem(wrong, 401);
    expectProblem(unknown, 401);
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it("after 5 failures in 15 minutes refuses even the right password (429) until the oldest failure leaves the window", async () => {
    const member = await createMember();
    const start = new Date("2031-03-01T12:00:00Z");
    for (let i = 0; i < 5; i += 1) {
      setClock(new Date(start.getTime() + minutes(i)));
      expectProblem(await signIn(member.email, `wrong password ${i}`), 401);
    }
    setClock(new Date(start.getTime() + minutes(5)));
    const throttled = await signIn(member.email, FIXTURE_PASSWORD);
    expectProblem(throttled, 429);
    expect(throttled.headers.get("retry-after")).toBe("600");

    setClock(new Date(start.getTime() + minutes(15)));
    expect((await signIn(member.email, FIXTURE_PASSWORD)).status).toBe(200);

    // The success did not erase the 4 failures still in the window: one more is allowed, then 429
    // until the failure of minute 1 leaves it.
    expectProblem(await signIn(member.email, "wrong again"), 401);
    const again = await signIn(member.email, FIXTURE_PASSWORD);
    expectProblem(again, 429);
    expect(again.headers.get("retry-after")).toBe("60");
  });

  it("lets only 5 of 20 simultaneous wrong attempts reach the password check", async () => {
    const email = `parallel.${Date.now()}@example.test`;
    const responses = await Promise.all(Array.from({ length: 20 }, () => signIn(email, "guessing-a-password")));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(15);
    for (const response of responses) expect(response.headers.get("content-type")).toBe("application/problem+json");
  });

  it("limits per IP far above per email: 5 failures from an address do not block others there; 100 do", async () => {
    const [victim, colleague] = [await createMember(), await createMember()];
    const office = { "x-nf-client-connection-ip": "203.0.113.7" };
    setClock("2031-04-01T09:00:00Z");
    for (let i = 0; i < 5; i += 1) expectProblem(await signIn(victim.email, `typo ${i}`, office), 401);
    expect((await signIn(colleague.email, FIXTURE_PASSWORD, office)).status).toBe(200);

    await recordFailures("login:ip:198.51.100.9", 100, new Date("2031-04-01T08:50:00Z"));
    const blocked = await signIn(colleague.email, FIXTURE_PASSWORD, { "x-forwarded-for": "198.51.100.9, 10.0.0.1" });
    expectProblem(blocked, 429);
    expect(blocked.headers.get("retry-after")).toBe("300");
    expect((await signIn(colleague.email, FIXTURE_PASSWORD, { "x-forwarded-for": "198.51.100.10" })).status).toBe(200);
  });

  it.each([
    ["a missing password", { email: "a@example.test" }, "password"],
    ["a malformed email", { email: "nope", password: "whatever-123" }, "email"],
    ["an unknown field", { email: "a@example.test", password: "whatever-123", remember: true }, "remember"],
  ])("refuses %s (400 with its path)", async (_name, body, path) => {
    expectProblem(await call(login, { path: "/api/auth/login", body }), 400, path);
  });

  it("refuses a body that is not JSON (415)", async () => {
    expectProblem(await call(login, { path: "/api/auth/login", rawBody: "email=a&password=b", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);
  });
});
