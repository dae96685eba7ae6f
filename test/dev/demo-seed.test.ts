import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnv } from "../../src/config/env";
import { database, query } from "../../src/db/client";
import { DEMO_LEADER_EMAIL, DEMO_SIZE, demoTreeShape, seededRandom, seedDemo } from "../../src/seed/demo";
import { ROOT_CODE } from "../support/fixtures";

// `npm run db:seed -- --demo` on a server database (the file's clone).

afterEach(() => {
  process.env.NODE_ENV = "test";
  resetEnv();
});

describe("the demo network", () => {
  it("has the same shape on every fresh database", () => {
    const shape = demoTreeShape(DEMO_SIZE, seededRandom(7));
    expect(demoTreeShape(DEMO_SIZE, seededRandom(7))).toEqual(shape);
    expect(shape.slice(1).every((sponsor, i) => sponsor >= 0 && sponsor <= i)).toBe(true);
  });

  it("is refused in production", async () => {
    process.env.NODE_ENV = "production";
    resetEnv();
    await expect(seedDemo(await database(), ROOT_CODE, "demo-password-1")).rejects.toThrow("The demo network is for local and test databases only");
  });

  it("builds a few hundred members under the root, countries mixed, sponsors enrolled before recruits; once", async () => {
    const db = await database();
    expect(await seedDemo(db, ROOT_CODE, "demo-password-1")).toEqual({ leaderEmail: DEMO_LEADER_EMAIL, members: DEMO_SIZE, created: true });
    const [shape] = await query<{ members: number; countries: string[]; maxDepth: number; leaderDepth: number; outOfOrder: number }>(
      db,
      sql`select count(*)::int as members,
                 array_agg(distinct m.country order by m.country) as countries,
                 max(m.depth)::int as "maxDepth",
                 (select depth from member where email = ${DEMO_LEADER_EMAIL}) as "leaderDepth",
                 count(*) filter (where s.enrolled_at >= m.enrolled_at and s.email like 'demo%')::int as "outOfOrder"
          from member m join member s on s.id = m.sponsor_id
          where m.email like 'demo%@nnprotect.local'`,
    );
    expect(shape).toMatchObject({ members: DEMO_SIZE, countries: ["CO", "MX", "US"], leaderDepth: 1, outOfOrder: 0 });
    expect(shape!.maxDepth).toBeGreaterThanOrEqual(10);
    expect(await seedDemo(db, ROOT_CODE, "demo-password-1")).toEqual({ leaderEmail: DEMO_LEADER_EMAIL, members: DEMO_SIZE, created: false });
  });
});
