import { and, count, eq, sql } from "drizzle-orm";
import { now } from "../clock";
import { query, type Database } from "../db/client";
import { violatedConstraint } from "../db/pg-error";
import { AppError, conflict, notFound } from "../errors";
import { offsetOf, orderBy, pageOf } from "../http/list";
import type { Page } from "../http/schemas";
import { lockMemberAccount } from "../ledger/accounts";
import { postTransaction } from "../ledger/post";
import { Dec, type Money } from "../money/decimal";
import { businessDayBounds } from "../periods/calendar";
import type { Plan } from "../plan/plan";
import type { WithdrawalView } from "./schemas";
import { withdrawalTable } from "./wallet.sql";
import { findWithdrawal, selectWithdrawals, withdrawalView } from "./withdrawal-view";

const refusedAt = (path: string, message: string) => new AppError("business_rule", message, { errors: [{ path, message }] });

/**
 * A member asks to withdraw (SPEC.md section 8). Runs in the caller's transaction (the
 * Idempotency-Key's; the plan is read before it): the member's accounts are locked first, so
 * this member's concurrent requests are checked one after another against the rules below, and
 * the whole amount moves from available to hold in the same transaction as the withdrawal row.
 */
export async function requestWithdrawal(tx: Database, plan: Plan, memberId: number, input: { amount: Money; bankAccountId: number }): Promise<WithdrawalView> {
  const { currency, bank } = await requestContext(tx, memberId, input.bankAccountId);
  if (input.amount.currency !== currency) throw refusedAt("amount.currency", `Withdrawals are paid in your currency, ${currency}`);
  const amount = new Dec(input.amount.amount);
  const [minimum, fee, dailyLimit] = (["withdrawal_minimum", "withdrawal_fee", "withdrawal_daily_limit"] as const).map((key) => plan.amount(key, currency));
  if (amount.lessThan(minimum!) || amount.lessThanOrEqualTo(fee!)) throw refusedAt("amount.amount", `The minimum withdrawal is ${minimum!.toFixed(2)} ${currency}`);
  if (!bank) throw refusedAt("bankAccountId", "No such bank account of yours");

  const accounts = await lockMemberAccount(tx, { memberId, currency });
  const at = now();
  const reviewSince = new Date(at.getTime() - plan.integer("withdrawal_review_hours") * 3_600_000);
  const state = await withdrawalState(tx, memberId, currency, businessDayBounds(at), reviewSince);
  if (state.open) {
    throw conflict(`Withdrawal ${state.open.id} is still ${state.open.status}; one open withdrawal at a time`, { openWithdrawalId: state.open.id, currentStatus: state.open.status });
  }
  const left = dailyLimit!.minus(state.today);
  if (amount.greaterThan(left)) throw refusedAt("amount.amount", `The daily limit is ${dailyLimit!.toFixed(2)} ${currency}; ${Dec.max(left, 0).toFixed(2)} left today`);
  if (amount.greaterThan(accounts.available.balance!)) throw refusedAt("amount.amount", `Insufficient available balance (${accounts.available.balance!.toFixed(2)} ${currency})`);

  const row = await insertWithdrawal(tx, {
    memberId,
    bankAccountId: bank.id,
    currency,
    amount: amount.toFixed(2),
    fee: fee!.toFixed(2),
    net: amount.minus(fee!).toFixed(2),
    flagged: state.recentBankChange,
    createdAt: at,
    updatedAt: at,
  });
  await postTransaction(tx, {
    key: `withdrawal:${row.id}:hold`,
    kind: "withdrawal_hold",
    reference: `Withdrawal ${row.id}`,
    entries: [
      { account: accounts.available, amount: amount.negated() },
      { account: accounts.hold, amount },
    ],
  });
  return withdrawalView({ ...row, bankName: bank.bankName, last4: bank.last4 });
}

/** The member's currency, and the bank account if it is theirs: one round trip. */
async function requestContext(tx: Database, memberId: number, bankAccountId: number) {
  const [row] = await query<{ currency: string; id: number | null; bankName: string | null; last4: string | null }>(
    tx,
    sql`select c.currency, b.id::float8 as id, b.bank_name as "bankName", b.last4
        from member m join country c on c.code = m.country
        left join bank_account b on b.id = ${bankAccountId} and b.member_id = m.id
        where m.id = ${memberId}`,
  );
  if (!row) throw notFound("Member");
  return { currency: row.currency, bank: row.id === null ? undefined : { id: row.id, bankName: row.bankName!, last4: row.last4! } };
}

/** Under the member's lock: the open withdrawal if any, today's total that counts for the limit, a recent bank change. */
async function withdrawalState(tx: Database, memberId: number, currency: string, day: { start: Date; end: Date }, reviewSince: Date) {
  const [row] = await query<{ openId: number | null; openStatus: WithdrawalView["status"] | null; today: string; recentBankChange: boolean }>(
    tx,
    sql`select open.id::float8 as "openId", open.status as "openStatus",
          (select coalesce(sum(amount), 0)::text from withdrawal
           where member_id = ${memberId} and currency = ${currency} and status in ('pending', 'approved', 'processed')
             and created_at >= ${day.start.toISOString()}::timestamptz and created_at < ${day.end.toISOString()}::timestamptz) as today,
          exists (select 1 from bank_account where member_id = ${memberId} and changed_at > ${reviewSince.toISOString()}::timestamptz) as "recentBankChange"
        from (select 1) one
        left join (select id, status from withdrawal where member_id = ${memberId} and status in ('pending', 'approved') limit 1) open on true`,
  );
  return { ...row!, open: row!.openId === null ? undefined : { id: row!.openId, status: row!.openStatus! } };
}

/** The partial unique index withdrawal_one_open is the race-proof form of "one open at a time". */
async function insertWithdrawal(tx: Database, values: typeof withdrawalTable.$inferInsert) {
  try {
    const [row] = await tx.insert(withdrawalTable).values(values).returning();
    return row!;
  } catch (error) {
    if (violatedConstraint(error) === "withdrawal_one_open") throw conflict("One open withdrawal at a time");
    throw error;
  }
}

/** One of the member's own withdrawals; another member's is 404, as if it did not exist. */
export async function memberWithdrawal(db: Database, memberId: number, id: number): Promise<WithdrawalView> {
  const row = await findWithdrawal(db, and(eq(withdrawalTable.id, id), eq(withdrawalTable.memberId, memberId))!);
  if (!row) throw notFound("Withdrawal");
  return withdrawalView(row);
}

export async function memberWithdrawals(
  db: Database,
  memberId: number,
  query: { page: number; pageSize: number; status?: WithdrawalView["status"]; sort: { field: "createdAt" | "amount"; descending: boolean } },
): Promise<Page<WithdrawalView>> {
  const where = and(eq(withdrawalTable.memberId, memberId), query.status ? eq(withdrawalTable.status, query.status) : undefined);
  const [rows, [total]] = await Promise.all([
    selectWithdrawals(db)
      .where(where)
      .orderBy(...orderBy(query.sort, { createdAt: withdrawalTable.createdAt, amount: withdrawalTable.amount }, withdrawalTable.id))
      .limit(query.pageSize)
      .offset(offsetOf(query)),
    db.select({ total: count() }).from(withdrawalTable).where(where),
  ]);
  return pageOf(rows.map(withdrawalView), total?.total ?? 0, query);
}
