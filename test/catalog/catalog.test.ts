import { describe, expect, it } from "vitest";
import catalog from "../../netlify/functions/catalog";
import { createMember } from "../support/fixtures";
import { call } from "../support/http";

describe("GET /api/catalog", () => {
  it("prices every item in the caller's currency, kits with PV and no VN", async () => {
    const member = await createMember({ country: "CO" });
    const res = await call(catalog, { path: "/api/catalog", token: member.token });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(24);
    const kit = res.body.items.find((item: any) => item.sku === "NN-KIT-PROTECT");
    expect(kit).toEqual({
      sku: "NN-KIT-PROTECT",
      name: "Kit 3 Full Protect",
      kind: "kit",
      category: "suplemento",
      price: { amount: "1389000.00", currency: "COP" },
      publicPrice: null,
      pv: "4860.00",
      vn: { amount: "0.00", currency: "COP" },
    });
    const curcuma = res.body.items.find((item: any) => item.sku === "NN-P04");
    expect(curcuma.vn).toEqual({ amount: "67400.00", currency: "COP" });
    expect(curcuma.publicPrice).toEqual({ amount: "119000.00", currency: "COP" });
  });

  it("keeps decimal prices exact in USD", async () => {
    const member = await createMember({ country: "US" });
    const res = await call(catalog, { path: "/api/catalog", token: member.token });
    const serum = res.body.items.find((item: any) => item.sku === "NN-P14");
    expect(serum.price).toEqual({ amount: "23.10", currency: "USD" });
    expect(serum.vn).toEqual({ amount: "20.79", currency: "USD" });
  });

  it("requires a token", async () => {
    const res = await call(catalog, { path: "/api/catalog" });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});
