import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { AppError } from "../errors";
import { memberTable } from "../members/members.sql";
import { UNUSABLE_PASSWORD_HASH, verifyPassword } from "./password";
import { openSession, type Session } from "./session";
import { claimAttempt, type Limit } from "./throttle";

/** SPEC/API: 5 failures per email in 15 minutes. Per IP far higher, so a shared office NAT still works. */
export const FAILED_LOGINS_PER_EMAIL = 5;
export const FAILED_LOGINS_PER_IP = 100;

export interface Credentials {
  /** Trimmed by the request schema; compared case-insensitively, like the unique index. */
  email: string;
  password: string;
}

/**
 * Members and staff sign in alike. Unknown email and wrong password get the same 401 after the same
 * scrypt work, so neither the answer nor its timing tells whether an account exists. Throttled
 * attempts (429) are refused before any password check, even with the right password.
 */
export async function login(db: Database, credentials: Credentials, clientIp: string | undefined): Promise<Session> {
  const limits: Limit[] = [{ key: `login:email:${credentials.email.toLowerCase()}`, max: FAILED_LOGINS_PER_EMAIL }];
  if (clientIp) limits.push({ key: `login:ip:${clientIp}`, max: FAILED_LOGINS_PER_IP });
  const attempt = await claimAttempt(db, limits);
  const [member] = await db
    .select({ id: memberTable.id, passwordHash: memberTable.passwordHash })
    .from(memberTable)
    .where(eq(sql`lower(${memberTable.email})`, sql`lower(${credentials.email})`));
  const valid = await verifyPassword(credentials.password, member?.passwordHash ?? UNUSABLE_PASSWORD_HASH);
  if (!member || !valid) throw new AppError("unauthorized", "The email or password is incorrect");
  await attempt.succeeded();
  return openSession(db, member.id);
}

/**
 * The caller's address: Netlify's own header (set by the platform, not the client), else the first
 * X-Forwarded-For hop (local server, other proxies). Undefined when neither is present.
 */
export function clientIp(request: Request): string | undefined {
  const address = request.headers.get("x-nf-client-connection-ip") ?? request.headers.get("x-forwarded-for")?.split(",")[0];
  // Capped: an IPv6 address is at most 45 characters; a longer value is not an address anyway.
  return address?.trim().slice(0, 64) || undefined;
}
