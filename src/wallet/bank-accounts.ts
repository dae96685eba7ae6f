import { count, desc, eq } from "drizzle-orm";
import { now } from "../clock";
import type { Database } from "../db/client";
import { violatedConstraint } from "../db/pg-error";
import { AppError, conflict, notFound } from "../errors";
import { offsetOf, pageOf } from "../http/list";
import type { Page } from "../http/schemas";
import { memberTable } from "../members/members.sql";
import type { BankAccountInput, BankAccountView } from "./schemas";
import { fingerprint, seal } from "./sealed";
import { bankAccountTable } from "./wallet.sql";

/** The full details (sealed: never stored or returned in clear) and the number last4 comes from. */
function detailsOf(input: BankAccountInput): { details: Record<string, string>; number: string } {
  switch (input.country) {
    case "MX":
      return { details: { clabe: input.clabe }, number: input.clabe };
    case "US":
      return { details: { routingNumber: input.routingNumber, accountNumber: input.accountNumber }, number: input.accountNumber };
    case "CO":
      return { details: { bankCode: input.bankCode, accountNumber: input.accountNumber }, number: input.accountNumber };
  }
}

/** The AAD that binds sealed details to their owner (src/wallet/sealed.ts). */
export const bankDetailsContext = (memberId: number) => `bank_account:member:${memberId}`;

const view = (row: typeof bankAccountTable.$inferSelect): BankAccountView => ({
  id: row.id,
  country: row.country,
  bankName: row.bankName,
  holderName: row.holderName,
  last4: row.last4,
  createdAt: row.createdAt.toISOString(),
});

/** Adds a payout account in the member's own country (422 otherwise); the same account twice is 409. */
export async function addBankAccount(db: Database, memberId: number, input: BankAccountInput): Promise<BankAccountView> {
  const [member] = await db.select({ country: memberTable.country }).from(memberTable).where(eq(memberTable.id, memberId));
  if (!member) throw notFound("Member");
  if (member.country !== input.country) {
    throw new AppError("business_rule", `Bank accounts must be in your own country (${member.country})`, { errors: [{ path: "country", message: `Must be ${member.country}` }] });
  }
  const { details, number } = detailsOf(input);
  const { sealed, keyId } = seal(JSON.stringify(details), bankDetailsContext(memberId));
  const at = now();
  try {
    const [row] = await db
      .insert(bankAccountTable)
      .values({
        memberId,
        country: input.country,
        bankName: input.bankName,
        holderName: input.holderName,
        last4: number.slice(-4),
        sealedDetails: sealed,
        keyId,
        fingerprint: fingerprint([input.country, ...Object.values(details)].join(":")),
        createdAt: at,
        changedAt: at,
      })
      .returning();
    return view(row!);
  } catch (error) {
    if (violatedConstraint(error) === "bank_account_member_fingerprint") throw conflict("This bank account is already registered");
    throw error;
  }
}

export async function listBankAccounts(db: Database, memberId: number, query: { page: number; pageSize: number }): Promise<Page<BankAccountView>> {
  const [rows, [total]] = await Promise.all([
    db.select().from(bankAccountTable).where(eq(bankAccountTable.memberId, memberId)).orderBy(desc(bankAccountTable.createdAt), desc(bankAccountTable.id)).limit(query.pageSize).offset(offsetOf(query)),
    db.select({ total: count() }).from(bankAccountTable).where(eq(bankAccountTable.memberId, memberId)),
  ]);
  return pageOf(rows.map(view), total?.total ?? 0, query);
}
