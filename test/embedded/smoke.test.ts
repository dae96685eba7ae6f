import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import loginHandler from "../../netlify/functions/auth-login";
import registerHandler from "../../netlify/functions/auth-register";
import meHandler from "../../netlify/functions/me";
import downlineHandler from "../../netlify/functions/network-downline";
import uplineHandler from "../../netlify/functions/network-upline";
import { resetEnv } from "../../src/config/env";
import { closeDatabase, database, driverFor, query } from "../../src/db/client";
import { seedDatabase, type SeedResult } from "../../src/seed";
import { DEMO_LEADER_EMAIL, DEMO_SIZE } from "../../src/seed/demo";
import { call } from "../support/http";

// The embedded mode of `npm start` with no DATABASE_URL: PGlite in a temporary DATA_DIR, migrated on
// open, seeded (with the demo network and a generated staff password), then used through the
// handlers, closed and reopened as a restart would.

const saved = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR, SEED_STAFF_PASSWORD: process.env.SEED_STAFF_PASSWORD };
const dataDir = mkdtempSync(path.join(tmpdir(), "nnp-embedded-"));
let first: SeedResult;

beforeAll(async () => {
  await closeDatabase();
  delete process.env.DATABASE_URL;
  delete process.env.SEED_STAFF_PASSWORD;
  process.env.DATA_DIR = dataDir;
  resetEnv();
  first = await seedDatabase(await database(), { demo: true });
}, 180_000);

afterAll(async () => {
  await closeDatabase();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetEnv();
  rmSync(dataDir, { recursive: true, force: true });
});

const login = (email: string, password: string) => call(loginHandler, { path: "/api/auth/login", body: { email, password } });

describe("embedded PGlite database", () => {
  it("is chosen when DATABASE_URL is unset", () => {
    expect(driverFor(undefined)).toBe("embedded");
  });

  it("is migrated and seeded on first open, with a generated staff password and the demo network", async () => {
    expect(first.password.source).toBe("generated");
    expect(first.demo).toMatchObject({ leaderEmail: DEMO_LEADER_EMAIL, members: DEMO_SIZE, created: true });
    const db = await database();
    const [counts] = await query<{ products: number; ranks: number; demo: number; countries: number; deepest: number }>(
      db,
      sql`select (select count(*)::int from product) as products, (select count(*)::int from rank) as ranks,
                 (select count(*)::int from member where email like 'demo%@nnprotect.local') as demo,
                 (select count(distinct country)::int from member where email like 'demo%@nnprotect.local') as countries,
                 (select max(depth)::int from member) as deepest`,
    );
    expect(counts).toMatchObject({ products: 24, ranks: 8, demo: DEMO_SIZE, countries: 3 });
    expect(counts!.deepest).toBeGreaterThan(5);
  });

  it("registers and signs in through the handlers", async () => {
    const registered = await call(registerHandler, {
      path: "/api/auth/register",
      body: { email: "Newcomer@Example.test", password: "a-long-enough-password", firstName: "New", lastName: "Comer", country: "US", sponsorCode: "NNPROTECT" },
    });
    expect(registered.status).toBe(201);
    const signedIn = await login("newcomer@example.test", "a-long-enough-password");
    expect(signedIn.status).toBe(200);
    const me = await call(meHandler, { path: "/api/me", token: signedIn.body.accessToken });
    expect(me.body).toMatchObject({ email: "Newcomer@Example.test", currency: "USD", sponsor: { memberCode: "NNPROTECT" } });
  });

  it("lets staff and the demo leader sign in with the printed password", async () => {
    const password = first.password.source === "generated" ? first.password.value : "";
    expect((await login("admin@nnprotect.local", password)).body.member.role).toBe("admin");
    expect((await login(DEMO_LEADER_EMAIL, password)).status).toBe(200);
  });

  it("serves the demo leader's network: a level of the downline with its count, and the upline", async () => {
    const password = first.password.source === "generated" ? first.password.value : "";
    const token = (await login(DEMO_LEADER_EMAIL, password)).body.accessToken;
    const [leader] = await query<{ directs: number; depth: number }>(
      await database(),
      sql`select (select count(*)::int from member d where d.sponsor_id = m.id) as directs, m.depth from member m where m.email = ${DEMO_LEADER_EMAIL}`,
    );
    const level1 = await call(downlineHandler, { path: "/api/network/downline?level=1&pageSize=5", token });
    expect(level1.status).toBe(200);
    expect(level1.body.total).toBe(leader!.directs);
    expect(level1.body.items).toHaveLength(Math.min(5, leader!.directs));
    const up = await call(uplineHandler, { path: "/api/network/upline", token });
    expect(up.status).toBe(200);
    expect(up.body.items).toHaveLength(leader!.depth);
    expect(up.body.items.at(-1).memberCode).toBe("NNPROTECT");
  });

  it("keeps its data across a restart and never shows the password again", async () => {
    await closeDatabase();
    const again = await seedDatabase(await database(), { demo: true });
    expect(again.password).toEqual({ source: "existing" });
    expect(again.demo).toMatchObject({ created: false, members: DEMO_SIZE });
    expect(again.demo?.generatedPassword).toBeUndefined();
    expect((await login("newcomer@example.test", "a-long-enough-password")).status).toBe(200);
  });
});
