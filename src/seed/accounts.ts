import { randomBytes } from "node:crypto";
import { eq, isNull, and } from "drizzle-orm";
import { env } from "../config/env";
import type { Database } from "../db/client";
import { hashPassword, UNUSABLE_PASSWORD_HASH } from "../auth/password";
import { newMemberCode } from "../members/member-code";
import { memberTable, type Role } from "../members/members.sql";

export interface SeededCredentials {
  rootCode: string;
  staff: { role: Role; email: string }[];
  /** Set only when the password was generated (SEED_STAFF_PASSWORD unset) on this run. */
  generatedPassword?: string;
  password?: string;
}

const STAFF_ROLES: Exclude<Role, "member">[] = ["support", "finance", "admin"];

export const staffEmail = (role: Role) => process.env[`SEED_${role.toUpperCase()}_EMAIL`] ?? `${role}@nnprotect.local`;

/**
 * The company root (top of the genealogy; it cannot sign in) and one staff account per role
 * (outside the genealogy). Existing accounts are left as they are.
 */
export async function seedAccounts(db: Database): Promise<SeededCredentials> {
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
  const configured = env().SEED_STAFF_PASSWORD;
  const password = configured ?? randomBytes(12).toString("base64url");
  let created = false;
  const passwordHash = await hashPassword(password);
  for (const role of STAFF_ROLES) {
    const rows = await db
      .insert(memberTable)
      .values({ memberCode: newMemberCode(), email: staffEmail(role), passwordHash, firstName: role[0]!.toUpperCase() + role.slice(1), lastName: "Staff", country: "MX", role })
      .onConflictDoNothing()
      .returning({ id: memberTable.id });
    created ||= rows.length > 0;
  }
  return {
    rootCode,
    staff: STAFF_ROLES.map((role) => ({ role, email: staffEmail(role) })),
    password: configured ?? (created ? password : undefined),
    generatedPassword: !configured && created ? password : undefined,
  };
}
