import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database, query } from "../../src/db/client";
import { createMember } from "../support/fixtures";

describe("enrollMember", () => {
  it("appends the new member to the sponsor's path, one level deeper", async () => {
    const a = await createMember();
    const b = await createMember({ sponsorCode: a.memberCode });
    const [row] = await query<{ path: number[]; depth: number; root: number }>(
      await database(),
      sql`select m.path, m.depth, (select id from member where member_code = 'NNPROTECT') as root from member m where m.id = ${b.id}`,
    );
    expect(row).toEqual({ path: [row!.root, a.id, b.id], depth: 2, root: row!.root });
    expect(b.memberCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
  });
});
