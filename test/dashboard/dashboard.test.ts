import { afterAll, beforeAll, describe, expect, it } from "vitest";
import dashboard from "../../netlify/functions/me-dashboard";
import { createMember, staffToken, type TestMember } from "../support/fixtures";
import { call } from "../support/http";
import { buy, mexicoCity, refundOrder } from "../support/orders";

// The business clock is frozen in August 2026: the current period is 2026-08.
beforeAll(() => {
  process.env.APP_NOW = mexicoCity("2026-08-20T12:00:00").toISOString();
});
afterAll(() => {
  delete process.env.APP_NOW;
});

let leader: TestMember;

beforeAll(async () => {
  leader = await createMember({ country: "MX" });
  const productBuyer = await createMember({ sponsorCode: leader.memberCode, country: "MX" });
  const kitBuyer = await createMember({ sponsorCode: leader.memberCode, country: "MX" });
  await buy(leader.id, [{ sku: "NN-KIT-PROTECT" }], mexicoCity("2026-08-03T10:00:00"));
  const products = await buy(productBuyer.id, [{ sku: "NN-P13", quantity: 10 }], mexicoCity("2026-08-10T10:00:00"));
  await buy(kitBuyer.id, [{ sku: "NN-KIT-SUPPLEMENT" }], mexicoCity("2026-08-11T10:00:00"));
  // A tenth of the product order refunded: a tenth of its direct bonus (1,030.00) is taken back.
  await refundOrder(products.id, "489.30", mexicoCity("2026-08-12T10:00:00"), "re_dash");
});

describe("GET /api/me/dashboard", () => {
  it("shows the current period: volumes, ranks, the next rank, net earnings per bonus, cashback and loyalty", async () => {
    const response = await call(dashboard, { path: "/api/me/dashboard", token: leader.token });
    expect(response.status).toBe(200);
    // PV 4,860; PVG 4,860 + 4,120 - 412 (refunded tenth) + 1,670 = 10,238.
    expect(response.body).toEqual({
      period: "2026-08",
      pv: "4860.00",
      pvg: "10238.00",
      activeThisPeriod: true,
      qualifiedRank: "Visionario",
      careerRank: "Visionario",
      nextRank: { name: "Emprendedor", pvNeeded: "0.00", pvgNeeded: "10762.00" },
      earnings: [
        { bonusType: "direct", total: { amount: "927.00", currency: "MXN" } },
        { bonusType: "fast_start", total: { amount: "598.80", currency: "MXN" } },
      ],
      cashback: { available: { amount: "2757.10", currency: "MXN" } },
      loyaltyPoints: 25,
      travelPoints: 0,
    });
  });

  it("shows a past period as it was; the credit of a past period is never available", async () => {
    const response = await call(dashboard, { path: "/api/me/dashboard?period=2026-07", token: leader.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      period: "2026-07",
      pv: "0.00",
      pvg: "0.00",
      activeThisPeriod: false,
      qualifiedRank: null,
      careerRank: "Visionario",
      nextRank: { name: "Emprendedor", pvNeeded: "1465.00", pvgNeeded: "21000.00" },
      earnings: [],
      cashback: { available: null },
      loyaltyPoints: 25,
      travelPoints: 0,
    });
  });

  it("refuses a future or malformed period (400), no token (401), and a staff account outside the network (404)", async () => {
    expect((await call(dashboard, { path: "/api/me/dashboard?period=2026-09", token: leader.token })).body.errors).toEqual([
      { path: "period", message: "Must not be after the current period" },
    ]);
    expect((await call(dashboard, { path: "/api/me/dashboard?period=2026-13", token: leader.token })).status).toBe(400);
    expect((await call(dashboard, { path: "/api/me/dashboard?member=x", token: leader.token })).status).toBe(400);
    expect((await call(dashboard, { path: "/api/me/dashboard" })).status).toBe(401);
    const staff = await call(dashboard, { path: "/api/me/dashboard", token: await staffToken("support") });
    expect(staff.status).toBe(404);
    expect(staff.headers.get("content-type")).toContain("application/problem+json");
  });
});
