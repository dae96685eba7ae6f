import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import dashboard from "../../netlify/functions/me-dashboard";
import commissions from "../../netlify/functions/commissions";
import { issueAccessToken } from "../../src/auth/tokens";
import { database, query } from "../../src/db/client";
import { Dec } from "../../src/money/decimal";
import { DEMO_LEADER_EMAIL, seedDemo } from "../../src/seed/demo";
import { ROOT_CODE } from "../support/fixtures";
import { call } from "../support/http";

describe("the demo network's orders", () => {
  it("shows a living back office: paid orders, volumes, ranks, commissions paid and pending", async () => {
    const db = await database();
    await seedDemo(db, ROOT_CODE, "demo-password-1");
    const [totals] = await query<{ paid: number; unpaid: number; ranked: number; volumes: number; lines: number; paidLines: number; credits: number }>(
      db,
      sql`select (select count(*)::int from orders where status = 'paid') as paid,
                 (select count(*)::int from orders where status <> 'paid') as unpaid,
                 (select count(*)::int from member where career_rank is not null) as ranked,
                 (select count(*)::int from member_volume) as volumes,
                 (select count(*)::int from commission_line) as lines,
                 (select count(*)::int from commission_line where status = 'paid') as "paidLines",
                 (select count(*)::int from cashback_credit) as credits`,
    );
    expect(totals!.paid).toBeGreaterThan(200);
    expect(totals).toMatchObject({ unpaid: 0 });
    expect(totals!.ranked).toBeGreaterThan(100);
    expect(totals!.paidLines).toBeGreaterThan(100);
    expect(totals!.lines).toBeGreaterThan(totals!.paidLines);
    expect(totals!.credits).toBeGreaterThan(0);

    const [leader] = await query<{ id: number }>(db, sql`select id from member where email = ${DEMO_LEADER_EMAIL}`);
    const token = await issueAccessToken({ memberId: leader!.id, role: "member" });
    const view = await call(dashboard, { path: "/api/me/dashboard", token });
    expect(view.status).toBe(200);
    expect(view.body.careerRank).not.toBeNull();
    expect(new Dec(view.body.pvg).gt(view.body.pv)).toBe(true);
    expect(view.body.earnings.length).toBeGreaterThan(0);
    const lines = await call(commissions, { path: "/api/commissions?status=paid", token });
    expect(lines.body.total).toBeGreaterThan(0);
  });
});
