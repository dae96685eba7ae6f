import { eq } from "drizzle-orm";
import { now } from "../clock";
import { confirmPayment } from "../confirmation/confirm-payment";
import type { Database } from "../db/client";
import { refused } from "../errors";
import { companyAccount, lockMemberAccount, memberBalances } from "../ledger/accounts";
import { postTransaction } from "../ledger/post";
import { Dec } from "../money/decimal";
import { orderTable } from "./orders.sql";

const insufficient = (available: Dec, total: Dec, currency: string) =>
  refused(`Insufficient wallet balance: ${available.toFixed(2)} ${currency} available, the order is ${total.toFixed(2)} ${currency}`, [
    { path: "paymentMethod", message: "Not enough available balance" },
  ]);

/**
 * Pays a new order from the buyer's available balance and confirms it, in the caller's transaction:
 * a shortfall refuses with 422 and the caller's rollback leaves nothing written. The debit comes
 * after the confirmation's volume and member locks, the order every transaction follows (volumes,
 * then members, then ledger accounts: decisions 002 and 007), so it cannot deadlock with a refund
 * clawing back from this buyer. The ledger's CHECK is what finally refuses an overdraft.
 */
export async function payFromWallet(tx: Database, orderId: number): Promise<void> {
  const [order] = await tx.select({ memberId: orderTable.memberId, total: orderTable.total, currency: orderTable.currency }).from(orderTable).where(eq(orderTable.id, orderId));
  const { memberId, currency } = { memberId: order!.memberId, currency: order!.currency.trim() };
  const total = new Dec(order!.total);
  // Cheap early answer for the common shortfall, before any lock or confirmation work.
  const { available } = await memberBalances(tx, { memberId, currency });
  if (available.lessThan(total)) throw insufficient(available, total, currency);

  const { outcome } = await confirmPayment(tx, { orderId, confirmedAt: now() });
  if (outcome !== "confirmed") throw new Error(`wallet order ${orderId}: confirmation answered ${outcome}`);
  const accounts = await lockMemberAccount(tx, { memberId, currency });
  if (accounts.available.balance!.lessThan(total)) throw insufficient(accounts.available.balance!, total, currency);
  const revenue = await companyAccount(tx, "order_revenue", currency);
  await postTransaction(tx, {
    key: `order:${orderId}:payment`,
    kind: "order_payment",
    reference: `Order ${orderId}`,
    entries: [
      { account: accounts.available, amount: total.negated() },
      { account: revenue, amount: total },
    ],
  });
}
