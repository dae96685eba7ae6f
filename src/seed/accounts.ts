import { randomBytes } from "node:crypto";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { env } from "../config/env";
import type { Database } from "../db/client";
import { hashPassword, UNUSABLE_PASSWORD_HASH } from "../auth/password";
import { newMemberCode } from "../members/member-code";
import { memberTable, type Role } from "../members/members.sql";

/**
 * The password of the staff accounts this run created: SEED_STAFF_PASSWORD, or generated (this is
 * the only time it can be shown: only its hash is stored). "existing": nothing was created, so the
 * password is whatever it was when the accounts were made.
 */
export type SeededPassword = { source: "configured" } | { source: "generated"; value: string } | { source: "existing" };

export interface SeededAccounts {
  rootCode: string;
  staff: { role: Role; email: string }[];
  password: SeededPassword;
}

export const STAFF_ROLES: Exclude<Role, "member">[] = ["support", "finance", "admin"];

export const staffEmail = (role: Exclude<Role, "member">) => env()[`SEED_${role.toUpperCase() as Uppercase<typeof role>}_EMAIL`];

export const newSeedPassword = () => randomBytes(12).toString("base64url");

/**
 * The company root (top of the genealogy; it cannot sign in) and one staff account per role
 * (outside the genealogy). Idempotent: existing accounts are left as they are, and the slow
 * password hash is only computed when an account is missing.
 */
export async function seedAccounts(db: Database): Promise<SeededAccounts> {
  const rootCode = env().SEED_ROOT_CODE;
  const [existingRoot] = await db.select({ id: memberTable.id }).from(memberTable).where(and(isNull(memberTable.sponsorId), eq(memberTable.depth, 0)));
  if (!existingRoot) {
    await db.transaction(async (tx) => {
      const [root] = await tx
        .insert(memberTable)
        .values({ memberCode: rootCode, email: "root@nnprotect.local", passwordHash: UNUSABLE_PASSWORD_HASH, firstName: "NN", lastName: "Protect", country: "MX", depth: 0, path: [] })
        .returning({ id: memberTable.id });
      await tx.update(memberTable).set({ path: [root!.id] }).where(eq(memberTable.id, root!.id));
    });
  }
  const staff = STAFF_ROLES.map((role) => ({ role, email: staffEmail(role) }));
  const existing = await db
    .select({ email: sql<string>`lower(${memberTable.email})` })
    .from(memberTable)
    .where(inArray(sql`lower(${memberTable.email})`, staff.map(({ email }) => email.toLowerCase())));
  const missing = staff.filter(({ email }) => !existing.some((row) => row.email === email.toLowerCase()));
  const configured = env().SEED_STAFF_PASSWORD;
  if (missing.length === 0) return { rootCode, staff, password: { source: "existing" } };

  const password = configured ?? newSeedPassword();
  const passwordHash = await hashPassword(password);
  await db
    .insert(memberTable)
    .values(missing.map(({ role, email }) => ({ memberCode: newMemberCode(), email, passwordHash, firstName: role[0]!.toUpperCase() + role.slice(1), lastName: "Staff", country: "MX", role })))
    .onConflictDoNothing();
  return { rootCode, staff, password: configured ? { source: "configured" } : { source: "generated", value: password } };
}
