import { createHash } from "node:crypto";
import * as v from "valibot";
import { afterEach, describe, expect, it } from "vitest";
import { refreshTokenTable } from "../../src/auth/auth.sql";
import { openSession } from "../../src/auth/session";
import { database } from "../../src/db/client";
import logout from "../../netlify/functions/auth-logout";
import refresh, { contract } from "../../netlify/functions/auth-refresh";
import me from "../../netlify/functions/me";
import { createMember } from "../support/fixtures";
import { call } from "../support/http";
import { expectProblem, setClock } from "./helpers";

afterEach(() => {
  delete process.env.APP_NOW;
});

const spend = (refreshToken: string) => call(refresh, { path: "/api/auth/refresh", body: { refreshToken } });
const signOut = (refreshToken: string) => call(logout, { path: "/api/auth/logout", body: { refreshToken } });
/** A signed-in member without paying for scrypt: login itself is tested in login.test.ts. */
const session = async () => openSession(await database(), (await createMember()).id);

async function familyOf(refreshToken: string) {
  const db = await database();
  const rows = await db.select().from(refreshTokenTable);
  const presented = rows.find((row) => row.tokenHash === createHash("sha256").update(refreshToken).digest("hex"));
  return rows.filter((row) => row.familyId === presented?.familyId);
}

describe("POST /api/auth/refresh", () => {
  it("spends the token and returns a working pair; only the hash is stored", async () => {
    const first = await session();
    const response = await spend(first.refreshToken);
    expect(response.status).toBe(200);
    const next = v.parse(contract.success.schema, response.body);
    expect(next.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(next.refreshToken).not.toBe(first.refreshToken);
    expect((await call(me, { path: "/api/me", token: next.accessToken })).body.id).toBe(first.member.id);
    expect((await spend(next.refreshToken)).status).toBe(200);

    const family = await familyOf(first.refreshToken);
    expect(family).toHaveLength(3);
    expect(family.filter((row) => row.spentAt !== null)).toHaveLength(2);
    for (const row of family) expect(row.tokenHash).not.toContain(first.refreshToken);
  });

  it("on reuse of a spent token answers 401 and revokes the whole family, newest token included", async () => {
    const first = await session();
    const second = (await spend(first.refreshToken)).body;
    expectProblem(await spend(first.refreshToken), 401);
    expectProblem(await spend(second.refreshToken), 401);
    const family = await familyOf(first.refreshToken);
    expect(family.every((row) => row.revokedAt !== null)).toBe(true);
    // Another sign-in of the same member is a different family and unaffected.
    expect((await spend((await openSession(await database(), first.member.id)).refreshToken)).status).toBe(200);
  });

  it("lets exactly one of several concurrent uses of one token succeed; the others count as reuse", async () => {
    const first = await session();
    const responses = await Promise.all(Array.from({ length: 5 }, () => spend(first.refreshToken)));
    const winners = responses.filter((response) => response.status === 200);
    expect(winners).toHaveLength(1);
    for (const response of responses.filter((r) => r.status !== 200)) expectProblem(response, 401);
    // Strict rotation: the losing uses revoked the family, so even the winner's token is dead.
    expectProblem(await spend(winners[0]!.body.refreshToken), 401);
  });

  it("refuses a token after its 30 days (401) and an unknown one", async () => {
    const issuedAt = new Date("2031-05-01T00:00:00Z");
    setClock(issuedAt);
    const first = await session();
    setClock(new Date(issuedAt.getTime() + 30 * 86_400_000 - 1000));
    const second = (await spend(first.refreshToken)).body;
    expect(second.refreshToken).toEqual(expect.any(String));
    setClock(new Date(issuedAt.getTime() + 60 * 86_400_000));
    expectProblem(await spend(second.refreshToken), 401);
    expectProblem(await spend("A".repeat(43)), 401);
  });

  it("refuses a body without a token (400)", async () => {
    expectProblem(await call(refresh, { path: "/api/auth/refresh", body: {} }), 400, "refreshToken");
  });
});

describe("POST /api/auth/logout", () => {
  it("answers 204 and revokes the family, including tokens issued after the one presented", async () => {
    const first = await session();
    const second = (await spend(first.refreshToken)).body;
    const response = await signOut(first.refreshToken);
    expect(response.status).toBe(204);
    expect(response.body).toBe("");
    expectProblem(await spend(second.refreshToken), 401);
    expect((await familyOf(first.refreshToken)).every((row) => row.revokedAt !== null)).toBe(true);
  });

  it("answers 204 for an unknown or already revoked token", async () => {
    expect((await signOut("unknown-token")).status).toBe(204);
    const first = await session();
    expect((await signOut(first.refreshToken)).status).toBe(204);
    expect((await signOut(first.refreshToken)).status).toBe(204);
  });

  it("refuses a body that is not JSON (415)", async () => {
    expectProblem(await call(logout, { path: "/api/auth/logout", rawBody: "token", headers: { "content-type": "text/plain" } }), 415);
  });
});
