import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import createFunction from "../../netlify/functions/wallet-bank-account-create";
import listFunction from "../../netlify/functions/wallet-bank-accounts";
import { database } from "../../src/db/client";
import { isValidAbaRouting, isValidClabe } from "../../src/wallet/bank-numbers";
import { bankDetailsContext } from "../../src/wallet/bank-accounts";
import { currentKeyId, unseal } from "../../src/wallet/sealed";
import { bankAccountTable } from "../../src/wallet/wallet.sql";
import { expectProblem } from "../auth/helpers";
import { createMember } from "../support/fixtures";
import { call } from "../support/http";
import { expectLedgerInvariants } from "../support/ledger-invariants";
import { VALID_BANK_ACCOUNT } from "../support/money";

afterEach(expectLedgerInvariants);

const db = await database();
const add = (token: string, body: unknown) => call(createFunction, { method: "POST", path: "/api/wallet/bank-accounts", token, body });

describe("bank account numbers", () => {
  it("verifies the CLABE check digit", () => {
    // 002010077777777771: digits x weights 3,7,1,... each product mod 10:
    // 0,0,2, 0,7,0, 0,9,7, 1,9,7, 1,9,7, 1,9 -> sum 69; (10 - 69 mod 10) mod 10 = 1 = the last digit.
    expect(isValidClabe("002010077777777771")).toBe(true);
    // 032180000118359719 (BBVA's published example): digits 0,3,2,1,8,0,0,0,0,1,1,8,3,5,9,7,1 x 3,7,1,... mod 10:
    // 0,1,2, 3,6,0, 0,0,0, 3,7,8, 9,5,9, 1,7 -> sum 61; (10 - 1) mod 10 = 9 = the last digit.
    expect(isValidClabe("032180000118359719")).toBe(true);
    // The first vector with its check digit changed, a 17-digit and a non-digit one.
    expect(isValidClabe("002010077777777772")).toBe(false);
    expect(isValidClabe("00201007777777777")).toBe(false);
    expect(isValidClabe("00201007777777777A")).toBe(false);
  });

  it("verifies the ABA routing checksum", () => {
    // 011000015: 3(0+0+0) + 7(1+0+1) + (1+0+5) = 0 + 14 + 6 = 20 = 0 mod 10.
    expect(isValidAbaRouting("011000015")).toBe(true);
    // 021000021: 3(0+0+0) + 7(2+0+2) + (1+0+1) = 0 + 28 + 2 = 30 = 0 mod 10.
    expect(isValidAbaRouting("021000021")).toBe(true);
    // 021000022: the same sum plus 1 = 31: invalid. 12345678: too short. 000000000 is no bank.
    expect(isValidAbaRouting("021000022")).toBe(false);
    expect(isValidAbaRouting("12345678")).toBe(false);
    expect(isValidAbaRouting("000000000")).toBe(false);
  });
});

describe("POST /api/wallet/bank-accounts", () => {
  it("stores a CLABE encrypted at rest and answers only its last 4 digits", async () => {
    const member = await createMember({ country: "MX" });
    const response = await add(member.token, VALID_BANK_ACCOUNT.MX);
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: expect.any(Number), country: "MX", bankName: "BBVA México", holderName: "Ana López", last4: "7771", createdAt: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toContain("002010077777777771");
    const [row] = await db.select().from(bankAccountTable).where(eq(bankAccountTable.id, response.body.id));
    expect(JSON.stringify(row)).not.toContain("0020100777");
    expect(row!.keyId).toBe(currentKeyId());
    expect(JSON.parse(unseal({ sealed: row!.sealedDetails, keyId: row!.keyId }, bankDetailsContext(member.id)))).toEqual({ clabe: "002010077777777771" });
    // Sealed for this member only: under another member's context it does not open.
    expect(() => unseal({ sealed: row!.sealedDetails, keyId: row!.keyId }, bankDetailsContext(member.id + 1))).toThrow();
  });

  it("accepts a US routing + account number and a CO bank code + account number", async () => {
    const us = await createMember({ country: "US" });
    const co = await createMember({ country: "CO" });
    expect((await add(us.token, VALID_BANK_ACCOUNT.US)).body).toMatchObject({ country: "US", last4: "6789" });
    expect((await add(co.token, VALID_BANK_ACCOUNT.CO)).body).toMatchObject({ country: "CO", last4: "8901" });
  });

  it("refuses bad numbers with 400 naming the field", async () => {
    const mx = await createMember({ country: "MX" });
    const us = await createMember({ country: "US" });
    const co = await createMember({ country: "CO" });
    expectProblem(await add(mx.token, { ...VALID_BANK_ACCOUNT.MX, clabe: "002010077777777772" }), 400, "clabe");
    expectProblem(await add(us.token, { ...VALID_BANK_ACCOUNT.US, routingNumber: "021000022" }), 400, "routingNumber");
    expectProblem(await add(us.token, { ...VALID_BANK_ACCOUNT.US, accountNumber: "12a4" }), 400, "accountNumber");
    expectProblem(await add(co.token, { ...VALID_BANK_ACCOUNT.CO, bankCode: "17" }), 400, "bankCode");
    expectProblem(await add(mx.token, { ...VALID_BANK_ACCOUNT.MX, holderName: "  " }), 400, "holderName");
    expectProblem(await add(mx.token, { ...VALID_BANK_ACCOUNT.MX, iban: "x" }), 400);
    expectProblem(await add(mx.token, { country: "DO", bankName: "x", holderName: "y" }), 400, "country");
  });

  it("accepts only the member's own country (422) and the same account once (409)", async () => {
    const member = await createMember({ country: "MX" });
    expectProblem(await add(member.token, VALID_BANK_ACCOUNT.US), 422, "country");
    expect((await add(member.token, VALID_BANK_ACCOUNT.MX)).status).toBe(201);
    expectProblem(await add(member.token, { ...VALID_BANK_ACCOUNT.MX, bankName: "Other name" }), 409);
  });

  it("needs a signed-in member", async () => {
    expectProblem(await call(createFunction, { method: "POST", path: "/api/wallet/bank-accounts", body: VALID_BANK_ACCOUNT.MX }), 401);
    expectProblem(await call(listFunction, { path: "/api/wallet/bank-accounts" }), 401);
  });
});

describe("GET /api/wallet/bank-accounts", () => {
  it("lists the member's own accounts, newest first, last 4 digits only", async () => {
    const member = await createMember({ country: "US" });
    const other = await createMember({ country: "US" });
    await add(member.token, VALID_BANK_ACCOUNT.US);
    await add(member.token, { ...VALID_BANK_ACCOUNT.US, routingNumber: "011000015", accountNumber: "4444" });
    await add(other.token, VALID_BANK_ACCOUNT.US);
    const response = await call(listFunction, { path: "/api/wallet/bank-accounts", token: member.token });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ page: 1, pageSize: 20, total: 2 });
    expect(response.body.items.map((item: { last4: string }) => item.last4)).toEqual(["4444", "6789"]);
    expect(JSON.stringify(response.body)).not.toMatch(/021000021|011000015|000123456789/);
  });
});
