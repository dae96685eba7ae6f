import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import ratesFunction from "../../netlify/functions/admin-exchange-rates";
import { auditLogTable } from "../../src/audit/audit.sql";
import { createCommissionLines } from "../../src/commissions/create";
import { database } from "../../src/db/client";
import { Dec } from "../../src/money/decimal";
import { convert, rateAt, ratesInForce } from "../../src/money/exchange";
import { expectProblem, setClock } from "../auth/helpers";
import { createMember, staffToken } from "../support/fixtures";
import { call } from "../support/http";
import { expectLedgerInvariants } from "../support/ledger-invariants";

afterEach(async () => {
  delete process.env.APP_NOW;
  await expectLedgerInvariants();
});

const db = await database();
const put = async (body: unknown, token?: string) =>
  call(ratesFunction, { method: "PUT", path: "/api/admin/exchange-rates", token: token ?? (await staffToken("finance")), body });
const amounts = (conversion: ReturnType<typeof convert>) => [conversion.origin.toFixed(2), conversion.converted.toFixed(2)];

describe("SPEC.md section 1: round in the origin currency, convert at the fixed rate, round again", () => {
  it("reproduces the worked example: 67,400 COP x 5% = 3,370.00 COP -> 14.66 MXN", () => {
    // 3,370.00 x 0.00435 = 14.6595, half-up to 2 places: 14.66.
    expect(amounts(convert(new Dec("67400").times("0.05"), "0.00435"))).toEqual(["3370.00", "14.66"]);
  });

  it("reproduces the fast-start example in each receiver's currency, and converts it onwards", () => {
    // C: 30% of 1,389,000 COP; B: 10% of 353 USD; A: 5% of 5,790 MXN (rate 1: no conversion).
    expect(amounts(convert(new Dec("1389000").times("0.30"), 1))).toEqual(["416700.00", "416700.00"]);
    expect(amounts(convert(new Dec("353").times("0.10"), 1))).toEqual(["35.30", "35.30"]);
    expect(amounts(convert(new Dec("5790").times("0.05"), 1))).toEqual(["289.50", "289.50"]);
    // 416,700.00 COP x 0.00435 = 1,812.645 -> 1,812.65 MXN (half-up, not to even); x 0.000235 = 97.9245 -> 97.92 USD.
    expect(amounts(convert("416700.00", "0.00435"))).toEqual(["416700.00", "1812.65"]);
    expect(amounts(convert("416700.00", "0.000235"))).toEqual(["416700.00", "97.92"]);
    // 35.30 USD x 18.50 = 653.05 MXN; 289.50 MXN x 230 = 66,585.00 COP; x 0.054 = 15.633 -> 15.63 USD.
    expect(amounts(convert("35.30", "18.50"))).toEqual(["35.30", "653.05"]);
    expect(amounts(convert("289.50", "230"))).toEqual(["289.50", "66585.00"]);
    expect(amounts(convert("289.50", "0.054"))).toEqual(["289.50", "15.63"]);
  });

  it("rounds the origin amount before converting, never after", () => {
    // 0.125 MXN rounds to 0.13 first: 0.13 x 230 = 29.90 COP (converting 0.125 directly would give 28.75).
    expect(amounts(convert("0.125", "230"))).toEqual(["0.13", "29.90"]);
  });
});

describe("the rate in force at an instant", () => {
  it("is the seeded rate until a later one takes effect, then that one", async () => {
    setClock("2030-01-01T00:00:00.000Z");
    const response = await put({ from: "USD", to: "MXN", rate: "19.25", effectiveFrom: "2030-06-01T06:00:00Z" });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ from: "USD", to: "MXN", rate: "19.25", effectiveFrom: "2030-06-01T06:00:00.000Z" });
    expect((await rateAt(db, "USD", "MXN", new Date("2030-06-01T05:59:59Z"))).toFixed()).toBe("18.5");
    expect((await rateAt(db, "USD", "MXN", new Date("2030-06-01T06:00:00Z"))).toFixed()).toBe("19.25");
    // A commission calculated after it converts at it: 10.00 USD x 19.25 = 192.50 MXN.
    const receiver = await createMember({ country: "MX" });
    const [line] = await createCommissionLines(
      db,
      [{ key: "rate-test", receiverId: receiver.id, bonusType: "direct", period: "2030-06", originAmount: new Dec("10"), originCurrency: "USD", payableAt: new Date("2030-06-09T00:00:00Z") }],
      new Date("2030-06-02T00:00:00Z"),
    );
    expect(line).toMatchObject({ rate: "19.250000000000", amount: "192.50" });
  });

  it("is 1 within a currency, and a missing rate is refused", async () => {
    const book = await ratesInForce(db, [{ from: "MXN", to: "MXN" }, { from: "COP", to: "MXN" }], new Date("1999-12-31T00:00:00Z"));
    expect(book.rate("MXN", "MXN").toFixed()).toBe("1");
    expect(() => book.rate("COP", "MXN")).toThrow(/No exchange rate COP->MXN/);
  });
});

describe("PUT /api/admin/exchange-rates", () => {
  it("is for finance and above, and audited", async () => {
    setClock("2031-01-01T00:00:00.000Z");
    const body = { from: "COP", to: "USD", rate: "0.000240", effectiveFrom: "2031-02-01T00:00:00Z" };
    expectProblem(await put(body, (await createMember()).token), 403);
    expectProblem(await put(body, await staffToken("support")), 403);
    expect((await put(body, await staffToken("admin"))).body.rate).toBe("0.00024");
    const [entry] = await db
      .select()
      .from(auditLogTable)
      .where(and(eq(auditLogTable.action, "exchange_rate.set"), eq(auditLogTable.entityId, "COP->USD@2031-02-01T00:00:00.000Z")));
    expect(entry).toMatchObject({ before: { rate: "0.000235", effectiveFrom: "2000-01-01T00:00:00.000Z" }, after: { rate: "0.00024" } });
  });

  it("refuses an unknown currency, the same currency twice and an instant in the past (422)", async () => {
    setClock("2031-01-01T00:00:00.000Z");
    expectProblem(await put({ from: "EUR", to: "MXN", rate: "20", effectiveFrom: "2031-02-01T00:00:00Z" }), 422, "from");
    expectProblem(await put({ from: "MXN", to: "MXN", rate: "1", effectiveFrom: "2031-02-01T00:00:00Z" }), 422, "to");
    expectProblem(await put({ from: "MXN", to: "USD", rate: "0.06", effectiveFrom: "2030-12-31T23:00:00Z" }), 422, "effectiveFrom");
  });

  it("takes an instant a moment ago as now", async () => {
    setClock("2031-03-01T00:00:00.000Z");
    const response = await put({ from: "MXN", to: "USD", rate: "0.055", effectiveFrom: "2031-02-28T23:59:58Z" });
    expect(response.body.effectiveFrom).toBe("2031-03-01T00:00:00.000Z");
  });

  it("validates the body (400)", async () => {
    const valid = { from: "MXN", to: "USD", rate: "0.06", effectiveFrom: "2040-01-01T00:00:00Z" };
    expectProblem(await put({ ...valid, rate: "0" }), 400, "rate");
    expectProblem(await put({ ...valid, rate: "-1" }), 400, "rate");
    expectProblem(await put({ ...valid, rate: 0.06 }), 400, "rate");
    expectProblem(await put({ ...valid, from: "mxn" }), 400, "from");
    expectProblem(await put({ ...valid, effectiveFrom: "tomorrow" }), 400, "effectiveFrom");
    expectProblem(await put({ ...valid, note: "x" }), 400);
  });
});
