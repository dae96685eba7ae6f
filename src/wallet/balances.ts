import { and, asc, count, desc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { offsetOf, pageOf } from "../http/list";
import type { Page } from "../http/schemas";
import { memberBalances } from "../ledger/accounts";
import { ledgerAccountTable, ledgerEntryTable, ledgerTransactionTable, type TransactionKind } from "../ledger/ledger.sql";
import { money, type Money } from "../money/decimal";
import { currencyOfMember } from "./currency";

export interface WalletView {
  currency: string;
  available: Money;
  onHold: Money;
  /** Positive: what the member owes from clawbacks. */
  receivable: Money;
}

export async function walletSummary(db: Database, memberId: number): Promise<WalletView> {
  const currency = await currencyOfMember(db, memberId);
  const balances = await memberBalances(db, { memberId, currency });
  return {
    currency,
    available: money(balances.available, currency),
    onHold: money(balances.hold, currency),
    receivable: money(balances.receivable.negated(), currency),
  };
}

export interface WalletTransaction {
  id: number;
  kind: TransactionKind;
  amount: Money;
  balanceAfter: Money;
  reference: string;
  createdAt: string;
}

/** Movements of the member's available balance, in posting order (newest first by default). */
export async function walletTransactions(
  db: Database,
  memberId: number,
  query: { page: number; pageSize: number; descending: boolean; kind?: TransactionKind },
): Promise<Page<WalletTransaction>> {
  const currency = await currencyOfMember(db, memberId);
  const [account] = await db
    .select({ id: ledgerAccountTable.id })
    .from(ledgerAccountTable)
    .where(and(eq(ledgerAccountTable.memberId, memberId), eq(ledgerAccountTable.kind, "member_available"), eq(ledgerAccountTable.currency, currency)));
  if (!account) return pageOf([], 0, query);
  const where = and(eq(ledgerEntryTable.accountId, account.id), query.kind ? eq(ledgerTransactionTable.kind, query.kind) : undefined);
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: ledgerEntryTable.id,
        kind: ledgerTransactionTable.kind,
        amount: ledgerEntryTable.amount,
        balanceAfter: ledgerEntryTable.balanceAfter,
        reference: ledgerTransactionTable.reference,
        createdAt: ledgerTransactionTable.createdAt,
      })
      .from(ledgerEntryTable)
      .innerJoin(ledgerTransactionTable, eq(ledgerTransactionTable.id, ledgerEntryTable.transactionId))
      .where(where)
      .orderBy((query.descending ? desc : asc)(ledgerEntryTable.id))
      .limit(query.pageSize)
      .offset(offsetOf(query)),
    db.select({ total: count() }).from(ledgerEntryTable).innerJoin(ledgerTransactionTable, eq(ledgerTransactionTable.id, ledgerEntryTable.transactionId)).where(where),
  ]);
  const items = rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    amount: money(row.amount, currency),
    balanceAfter: money(row.balanceAfter ?? 0, currency),
    reference: row.reference,
    createdAt: row.createdAt.toISOString(),
  }));
  return pageOf(items, total?.total ?? 0, query);
}
