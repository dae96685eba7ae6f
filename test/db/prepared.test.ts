import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database, query } from "../../src/db/client";
import { prepared, preparedQuery } from "../../src/db/prepared";
import { memberTable } from "../../src/members/members.sql";
import { createMember } from "../support/fixtures";

const db = await database();

/** The named statements of the connection the transaction runs on. */
const namedStatements = (tx: typeof db) => query<{ name: string; statement: string }>(tx, sql`select name, statement from pg_prepared_statements where name like 'nnp_%'`);

describe("prepared statements", () => {
  it("prepares a raw statement once per connection under a name from its text, with fresh values each time", async () => {
    await db.transaction(async (tx) => {
      const before = (await namedStatements(tx)).length;
      expect(await preparedQuery<{ n: number }>(tx, sql`select ${1}::int + 1 as n`)).toEqual([{ n: 2 }]);
      expect(await preparedQuery<{ n: number }>(tx, sql`select ${41}::int + 1 as n`)).toEqual([{ n: 42 }]);
      // Another text is another statement, never the first one's name.
      expect(await preparedQuery<{ n: number }>(tx, sql`select ${41}::int + 2 as n`)).toEqual([{ n: 43 }]);
      const named = await namedStatements(tx);
      expect(named.length - before).toBe(2);
      expect(named.map((row) => row.statement)).toEqual(expect.arrayContaining(["select $1::int + 1 as n", "select $1::int + 2 as n"]));
    });
  });

  it("runs a drizzle query under a name, mapping its rows as drizzle does", async () => {
    const member = await createMember();
    const lookup = (tx: typeof db) => prepared(tx.select({ code: memberTable.memberCode, enrolledAt: memberTable.enrolledAt }).from(memberTable).where(eq(memberTable.id, member.id)));
    await db.transaction(async (tx) => {
      const [first] = await lookup(tx);
      const [second] = await lookup(tx);
      expect(first).toEqual({ code: member.memberCode, enrolledAt: expect.any(Date) });
      expect(second).toEqual(first);
      expect((await namedStatements(tx)).some((row) => row.statement.includes('"member_code"'))).toBe(true);
    });
  });
});
