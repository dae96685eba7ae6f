import { eq } from "drizzle-orm";
import { hashPassword } from "../../src/auth/password";
import { issueAccessToken } from "../../src/auth/tokens";
import { database } from "../../src/db/client";
import { enrollMember } from "../../src/members/enroll";
import { memberTable, type Role } from "../../src/members/members.sql";

export const FIXTURE_PASSWORD = "correct-horse-battery";
let sharedHash: Promise<string> | undefined;
/** One scrypt hash shared by every fixture member: hashing is deliberately slow. */
const fixtureHash = () => (sharedHash ??= hashPassword(FIXTURE_PASSWORD));

export const ROOT_CODE = "NNPROTECT";
let counter = 0;

export interface TestMember {
  id: number;
  memberCode: string;
  email: string;
  country: string;
  token: string;
}

/** A network member under `sponsorCode` (default: the company root), with an access token. */
export async function createMember(options: { sponsorCode?: string; country?: "MX" | "US" | "CO"; role?: Role; firstName?: string } = {}): Promise<TestMember> {
  const db = await database();
  counter += 1;
  const email = `member${counter}.${process.pid}.${Date.now()}@example.test`;
  const country = options.country ?? "MX";
  const enrolled = await enrollMember(db, {
    email,
    passwordHash: await fixtureHash(),
    firstName: options.firstName ?? `Member${counter}`,
    lastName: "Test",
    country,
    sponsorCode: options.sponsorCode ?? ROOT_CODE,
  });
  const role = options.role ?? "member";
  if (role !== "member") await db.update(memberTable).set({ role }).where(eq(memberTable.id, enrolled.id));
  return { id: enrolled.id, memberCode: enrolled.memberCode, email, country, token: await issueAccessToken({ memberId: enrolled.id, role }) };
}

/** A seeded staff account's token (support@, finance@, admin@nnprotect.local). */
export async function staffToken(role: Exclude<Role, "member">): Promise<string> {
  const db = await database();
  const [row] = await db.select({ id: memberTable.id }).from(memberTable).where(eq(memberTable.email, `${role}@nnprotect.local`));
  if (!row) throw new Error(`no seeded ${role} account`);
  return issueAccessToken({ memberId: row.id, role });
}
