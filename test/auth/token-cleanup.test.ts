import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import cleanup, { config } from "../../netlify/functions/auth-token-cleanup";
import refresh from "../../netlify/functions/auth-refresh";
import { refreshTokenTable } from "../../src/auth/auth.sql";
import { deleteExpiredRefreshTokens } from "../../src/auth/refresh-tokens";
import { openSession } from "../../src/auth/session";
import { database } from "../../src/db/client";
import { createMember } from "../support/fixtures";
import { call } from "../support/http";
import { expectProblem, setClock } from "./helpers";

// Expired refresh tokens are deleted by a daily scheduled run; the ones that can still be used, and
// so reuse detection, are untouched.

afterEach(() => {
  delete process.env.APP_NOW;
});

const T0 = new Date("2026-03-01T12:00:00Z");
const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);
const spend = (refreshToken: string) => call(refresh, { path: "/api/auth/refresh", body: { refreshToken } });
const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

async function stored(tokens: string[]): Promise<boolean[]> {
  const hashes = new Set((await (await database()).select({ tokenHash: refreshTokenTable.tokenHash }).from(refreshTokenTable)).map((row) => row.tokenHash));
  return tokens.map((token) => hashes.has(hashOf(token)));
}

describe("deleting expired refresh tokens", () => {
  it("deletes the tokens past their 30 days and keeps the others, whose reuse still revokes the family", async () => {
    const db = await database();
    const member = await createMember();
    setClock(day(0));
    const a1 = (await openSession(db, member.id)).refreshToken;
    const a2 = (await spend(a1)).body.refreshToken as string;
    setClock(day(20));
    const a3 = (await spend(a2)).body.refreshToken as string;
    const b1 = (await openSession(db, member.id)).refreshToken;

    setClock(day(31));
    expect(await deleteExpiredRefreshTokens(db)).toMatchObject({ done: true, deleted: 2 });
    expect(await stored([a1, a2, a3, b1])).toEqual([false, false, true, true]);
    expect(await deleteExpiredRefreshTokens(db)).toMatchObject({ done: true, deleted: 0 });

    // a3 (spent by nobody yet) works; presented again once spent, it revokes its family, a4 included.
    const a4 = (await spend(a3)).body.refreshToken as string;
    expectProblem(await spend(a3), 401);
    expectProblem(await spend(a4), 401);
    // An expired token is refused whether its row was kept or deleted; the other family is untouched.
    expectProblem(await spend(a1), 401);
    expect((await spend(b1)).status).toBe(200);
  });

  it("works in batches and stops at its budget, the next run going on where it stopped", async () => {
    const db = await database();
    const member = await createMember();
    setClock(day(0));
    for (let i = 0; i < 5; i += 1) await openSession(db, member.id);
    setClock(day(40));
    expect(await deleteExpiredRefreshTokens(db, { batch: 2, budgetMs: 0 })).toMatchObject({ done: false, deleted: 2 });
    expect(await deleteExpiredRefreshTokens(db, { batch: 2 })).toMatchObject({ done: true, deleted: 3 });
  });

  it("runs daily as a scheduled function", async () => {
    expect(config.schedule).toBe("17 3 * * *");
    const db = await database();
    // Before the other tests' tokens, so that only this one has expired by then.
    setClock(day(-100));
    await openSession(db, (await createMember()).id);
    setClock(day(-60));
    const response = await call(cleanup, { method: "POST", path: "/.netlify/functions/auth-token-cleanup" });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ done: true, deleted: 1 });
  });
});
