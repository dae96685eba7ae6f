import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { violatedConstraint } from "../db/pg-error";
import { AppError } from "../errors";
import { enrollMember } from "../members/enroll";
import { memberTable } from "../members/members.sql";
import { countryTable } from "../plan/plan.sql";
import { hashPassword } from "./password";
import { openSession, type Session } from "./session";

export interface Registration {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  country: string;
  sponsorCode: string;
}

const emailTaken = () =>
  new AppError("conflict", "An account with this email already exists", { errors: [{ path: "email", message: "Already registered" }] });

/**
 * Signs up a network member under the sponsor's code and signs them in. The cheap checks run
 * before scrypt (slow by design), and scrypt before the transaction, so no connection waits on it.
 * The unique index on lower(email) settles a race between two sign-ups with one email.
 */
export async function registerMember(db: Database, registration: Registration): Promise<Session> {
  const [country] = await db.select({ code: countryTable.code }).from(countryTable).where(eq(countryTable.code, registration.country));
  if (!country) throw new AppError("validation", "We do not operate in this country", { errors: [{ path: "country", message: "Unknown country" }] });
  const [existing] = await db.select({ id: memberTable.id }).from(memberTable).where(eq(sql`lower(${memberTable.email})`, sql`lower(${registration.email})`));
  if (existing) throw emailTaken();
  const passwordHash = await hashPassword(registration.password);
  try {
    return await db.transaction(async (tx) => {
      const enrolled = await enrollMember(tx, { ...registration, passwordHash });
      return openSession(tx, enrolled.id);
    });
  } catch (error) {
    if (violatedConstraint(error) === "member_email_lower") throw emailTaken();
    throw error;
  }
}
