import { afterAll, beforeAll, describe, expect, it } from "vitest";
import adminCommissions from "../../netlify/functions/admin-commissions";
import commissions from "../../netlify/functions/commissions";
import { createMember, staffToken, type TestMember } from "../support/fixtures";
import { call } from "../support/http";
import { buy, mexicoCity, type TestOrder } from "../support/orders";

// Lines are created at their confirmation instant; the clock is frozen after all of them.
beforeAll(() => {
  process.env.APP_NOW = mexicoCity("2026-10-28T12:00:00").toISOString();
});
afterAll(() => {
  delete process.env.APP_NOW;
});

let sponsor: TestMember;
let coBuyer: TestMember;
let kitBuyer: TestMember;
let other: TestMember;
let coOrder: TestOrder;

beforeAll(async () => {
  sponsor = await createMember({ country: "MX" });
  coBuyer = await createMember({ sponsorCode: sponsor.memberCode, country: "CO" });
  kitBuyer = await createMember({ sponsorCode: sponsor.memberCode, country: "US" });
  other = await createMember({ country: "US" });
  const otherBuyer = await createMember({ sponsorCode: other.memberCode, country: "US" });
  coOrder = await buy(coBuyer.id, [{ sku: "NN-P04" }], mexicoCity("2026-09-15T10:00:00"));
  await buy(kitBuyer.id, [{ sku: "NN-KIT-PROTECT" }], mexicoCity("2026-10-02T10:00:00"));
  await buy(otherBuyer.id, [{ sku: "NN-P13", quantity: 4 }], mexicoCity("2026-10-03T10:00:00"));
});

const list = (path: string, token: string) => call(commissions, { path, token });

describe("GET /api/commissions", () => {
  it("lists only the member's own lines, newest first, with origin, rate and converted amount", async () => {
    const response = await list("/api/commissions", sponsor.token);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ page: 1, pageSize: 20, total: 2 });
    expect(response.body.items.map((item: any) => item.bonusType)).toEqual(["fast_start", "direct"]);
    expect(response.body.items[1]).toEqual({
      id: expect.any(Number),
      bonusType: "direct",
      period: "2026-09",
      level: 1,
      sourceMemberCode: coBuyer.memberCode,
      orderId: coOrder.id,
      origin: { amount: "16850.00", currency: "COP" },
      rate: "0.00435",
      amount: { amount: "73.30", currency: "MXN" },
      revoked: { amount: "0.00", currency: "MXN" },
      status: "pending",
      createdAt: mexicoCity("2026-09-15T10:00:00").toISOString(),
    });
    expect(response.body.items[0]).toMatchObject({ level: 1, origin: { amount: "1737.00", currency: "MXN" }, rate: "1", amount: { amount: "1737.00", currency: "MXN" } });
    expect((await list("/api/commissions", other.token)).body.items.map((item: any) => item.amount)).toEqual([{ amount: "24.50", currency: "USD" }]);
  });

  it("filters by period, bonus type and status, sorts and pages", async () => {
    const amounts = async (query: string) => (await list(`/api/commissions?${query}`, sponsor.token)).body.items.map((item: any) => item.amount.amount);
    expect(await amounts("period=2026-09")).toEqual(["73.30"]);
    expect(await amounts("bonusType=fast_start")).toEqual(["1737.00"]);
    expect(await amounts("status=paid")).toEqual([]);
    expect(await amounts("sort=amount")).toEqual(["73.30", "1737.00"]);
    const second = await list("/api/commissions?sort=-amount&pageSize=1&page=2", sponsor.token);
    expect(second.body).toMatchObject({ page: 2, pageSize: 1, total: 2, items: [{ amount: { amount: "73.30", currency: "MXN" } }] });
  });

  it("refuses bad filters with the field's path (400) and a missing token (401)", async () => {
    const bad = await list("/api/commissions?bonusType=travel&sort=rate&period=2026-9", sponsor.token);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((error: any) => error.path).sort()).toEqual(["bonusType", "period", "sort"]);
    expect((await list("/api/commissions?receiverId=1", sponsor.token)).status).toBe(400);
    expect((await call(commissions, { path: "/api/commissions" })).status).toBe(401);
  });
});

describe("GET /api/admin/commissions", () => {
  const admin = async (query: string, token?: string) => call(adminCommissions, { path: `/api/admin/commissions?${query}`, token: token ?? (await staffToken("support")) });

  it("is for staff: a member gets 403", async () => {
    expect((await admin("", sponsor.token)).status).toBe(403);
    expect((await call(adminCommissions, { path: "/api/admin/commissions" })).status).toBe(401);
  });

  it("lists every member's lines with their receiver, filtered by member, country, amount range and window", async () => {
    const byMember = await admin(`memberCode=${sponsor.memberCode.toLowerCase()}&sort=amount`);
    expect(byMember.status).toBe(200);
    expect(byMember.body.total).toBe(2);
    expect(byMember.body.items[0].receiver).toEqual({ memberCode: sponsor.memberCode, name: expect.any(String), country: "MX" });
    const usLines = await admin("country=US&bonusType=direct");
    expect(usLines.body.items.map((item: any) => [item.receiver.memberCode, item.amount.amount])).toEqual([[other.memberCode, "24.50"]]);
    const range = await admin(`memberCode=${sponsor.memberCode}&minAmount=50&maxAmount=100`);
    expect(range.body.items.map((item: any) => item.amount.amount)).toEqual(["73.30"]);
    const window = await admin(`memberCode=${sponsor.memberCode}&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z`);
    expect(window.body.items.map((item: any) => item.bonusType)).toEqual(["fast_start"]);
    expect((await admin("from=2026-10-02T00:00:00Z&to=2026-10-01T00:00:00Z")).status).toBe(400);
    expect((await admin("minAmount=-5")).status).toBe(400);
  });
});
