import { eq, sql } from "drizzle-orm";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { memberTable } from "../../src/members/members.sql";
import me, { contract } from "../../netlify/functions/me";
import { createMember, ROOT_CODE, staffToken } from "../support/fixtures";
import { call } from "../support/http";

const getMe = (token: string) => call(me, { path: "/api/me", token });

describe("GET /api/me", () => {
  it("shows the member with their sponsor, currency and career rank name", async () => {
    const sponsor = await createMember({ firstName: "Carmen" });
    const member = await createMember({ sponsorCode: sponsor.memberCode, country: "US", firstName: "Luis" });
    const db = await database();
    // A rank of its own, so the test does not depend on the plan seed's ranks.
    await db.execute(sql`insert into rank (code, name, position, min_pv, min_pvg, unilevel_levels)
                         values ('test-rank', 'Test Rank', 999, 0, 0, 1) on conflict do nothing`);
    await db.update(memberTable).set({ careerRank: "test-rank" }).where(eq(memberTable.id, member.id));

    const response = await getMe(member.token);
    expect(response.status).toBe(200);
    expect(v.parse(contract.success.schema, response.body)).toEqual({
      id: member.id,
      memberCode: member.memberCode,
      email: member.email,
      firstName: "Luis",
      lastName: "Test",
      country: "US",
      currency: "USD",
      role: "member",
      sponsor: { memberCode: sponsor.memberCode, name: "Carmen Test" },
      careerRank: "Test Rank",
      enrolledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it("shows the company root as the sponsor of its directs, and no sponsor for staff", async () => {
    const direct = await createMember();
    expect((await getMe(direct.token)).body.sponsor).toEqual({ memberCode: ROOT_CODE, name: "NN Protect" });
    const staff = await getMe(await staffToken("support"));
    expect(staff.body).toMatchObject({ email: "support@nnprotect.local", role: "support", sponsor: null, careerRank: null, country: "MX", currency: "MXN" });
  });
});
