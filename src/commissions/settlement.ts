import type { MemberAccounts } from "../ledger/accounts";
import type { EntrySpec } from "../ledger/post";
import { Dec } from "../money/decimal";

/**
 * The member's side of settling `amount` of commission, given their accounts as locked (SPEC.md
 * section 8); the entries sum to `amount`, and the caller balances them against bonus expense:
 * - a credit repays the clawback receivable first; only the rest reaches the available balance;
 * - a debit (a clawback, or a negative line) takes what the available balance has, and what
 *   exceeds it becomes a receivable that later commissions repay.
 */
export function memberSettlement(accounts: MemberAccounts, amount: Dec): EntrySpec[] {
  if (amount.isPositive()) {
    const repaid = Dec.min(amount, accounts.receivable.balance!.negated());
    return [
      { account: accounts.receivable, amount: repaid },
      { account: accounts.available, amount: amount.minus(repaid) },
    ];
  }
  const taken = Dec.min(amount.negated(), accounts.available.balance!);
  return [
    { account: accounts.available, amount: taken.negated() },
    { account: accounts.receivable, amount: amount.plus(taken) },
  ];
}
