import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createCommissionLines } from "../../src/commissions/create";
import { commissionLineTable } from "../../src/commissions/commissions.sql";
import { database } from "../../src/db/client";
import { Dec } from "../../src/money/decimal";
import { createMember } from "../support/fixtures";

const db = await database();

describe("rows returned by a raw statement", () => {
  it("are mapped exactly as drizzle maps the table's rows (bigint ids, numerics, instants, nulls)", async () => {
    const receiver = await createMember({ country: "CO" });
    const [created] = await createCommissionLines(db, [
      { key: `test:table-rows:${receiver.id}`, receiverId: receiver.id, bonusType: "direct", period: "2026-03", level: 1, originAmount: new Dec("12.345"), originCurrency: "COP", payableAt: new Date("2026-04-01T06:00:00Z") },
    ]);
    const [read] = await db.select().from(commissionLineTable).where(eq(commissionLineTable.id, created!.id));
    expect(created).toStrictEqual(read);
    expect(created).toMatchObject({ id: expect.any(Number), originAmount: "12.35", sourceMemberId: null, paidAt: null, payableAt: new Date("2026-04-01T06:00:00Z") });
  });
});
