import { sql } from "drizzle-orm";
import { now } from "../clock";
import { bigintArray } from "../db/arrays";
import { query, type Database } from "../db/client";
import { memberSettlement } from "../commissions/settlement";
import { companyAccount, lockMemberAccounts, memberAccountsOf } from "../ledger/accounts";
import { postTransactions, type TransactionSpec } from "../ledger/post";
import { Dec } from "../money/decimal";
import { currencyTable } from "../plan/plan.sql";

export interface PayoutRun {
  /** False when the time budget ran out with payable lines left: the next invocation resumes. */
  done: boolean;
  lines: number;
  transactions: number;
  batches: number;
  elapsedMs: number;
}

export interface PayoutOptions {
  /** Start no batch after this long, beyond the first (Netlify stops a scheduled function at 30 s). */
  budgetMs?: number;
  /** Lines per batch, each batch one database transaction. */
  batchSize?: number;
  /** Batches in flight at once, each on its own connection (the database does the work: one per core). */
  workers?: number;
}

/**
 * Posts every payable commission line (pending, payable_at <= now) to its receiver's wallet, in
 * bounded batches until none is left or the budget is spent. Exactly once: a batch claims its
 * lines FOR UPDATE SKIP LOCKED and marks them paid in the same transaction as their postings, so
 * concurrent batches, and two overlapping runs, share the work instead of paying a line twice,
 * and a run cut short leaves every unfinished line pending for the next.
 */
export async function runPayouts(db: Database, options: PayoutOptions = {}): Promise<PayoutRun> {
  const { budgetMs = 20_000, batchSize = 5_000, workers = 2 } = options;
  const started = performance.now();
  // Open the expense accounts before any batch: two batches in flight opening the same one, each
  // inside its own transaction, could wait on each other.
  const currencies = await db.select({ code: currencyTable.code }).from(currencyTable).orderBy(currencyTable.code);
  for (const { code } of currencies) await companyAccount(db, "bonus_expense", code);
  const runs = await Promise.all(Array.from({ length: workers }, () => payUntilDone(db, batchSize, () => performance.now() - started < budgetMs)));
  return {
    done: runs.every((run) => run.done),
    lines: runs.reduce((sum, run) => sum + run.lines, 0),
    transactions: runs.reduce((sum, run) => sum + run.transactions, 0),
    batches: runs.reduce((sum, run) => sum + run.batches, 0),
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** One worker: batches in queue order until a pass from the start finds less than a batch, or time is up. */
async function payUntilDone(db: Database, batchSize: number, inBudget: () => boolean): Promise<Omit<PayoutRun, "elapsedMs">> {
  const run = { done: false, lines: 0, transactions: 0, batches: 0 };
  // Paid lines leave dead entries at the head of the queue's index until vacuum: the cursor keeps
  // each batch from rescanning them. One last pass from the start picks up lines skipped meanwhile.
  let cursor: QueueCursor | undefined;
  do {
    const batch = await db.transaction((tx) => payBatch(tx, batchSize, cursor));
    run.lines += batch.lines;
    run.transactions += batch.transactions;
    run.batches += 1;
    if (batch.lines === batchSize) cursor = batch.cursor;
    else if (cursor) cursor = undefined;
    else {
      run.done = true;
      break;
    }
  } while (inBudget());
  return run;
}

/** Where the last batch stopped in the queue's (payable_at, id) order; payable_at as exact text. */
interface QueueCursor {
  payableAt: string;
  id: string;
}

interface PayableGroup {
  receiverId: number;
  currency: string;
  lineIds: string[];
  total: string;
  cursorAt: string;
  cursorId: string;
}

/**
 * One batch: the claimed lines summed per receiver and currency, then one ledger transaction per
 * currency (bonus expense against every receiver's share; a receivable is repaid before anything
 * reaches the available balance), then the lines marked paid with their transaction: a handful of
 * set-based statements for thousands of lines.
 */
async function payBatch(tx: Database, limit: number, after?: QueueCursor): Promise<{ lines: number; transactions: number; cursor?: QueueCursor }> {
  // Short set-based statements whose row estimates can be far off: never worth compiling.
  await tx.execute(sql`set local jit = off`);
  const at = now();
  const groups = await query<PayableGroup>(
    tx,
    sql`with claimed as (
          select id, payable_at, receiver_id, currency, amount - revoked_amount as due from commission_line
          where status = 'pending' and payable_at <= ${at.toISOString()}::timestamptz
            ${after ? sql`and (payable_at, id) > (${after.payableAt}::timestamptz, ${after.id}::bigint)` : sql``}
          order by payable_at, id
          limit ${limit}
          for update skip locked
        ), last as (select payable_at, id from claimed order by payable_at desc, id desc limit 1)
        select receiver_id as "receiverId", currency, array_agg(id order by id)::text[] as "lineIds", sum(due)::text as total,
               (select payable_at::text from last) as "cursorAt", (select id::text from last) as "cursorId"
        from claimed group by receiver_id, currency`,
  );
  if (groups.length === 0) return { lines: 0, transactions: 0 };
  const accounts = await lockMemberAccounts(tx, groups.map(({ receiverId: memberId, currency }) => ({ memberId, currency })));
  const currencies = [...new Set(groups.map((group) => group.currency))].sort();
  const specs: TransactionSpec[] = [];
  for (const currency of currencies) {
    const paid = groups.filter((group) => group.currency === currency);
    const total = paid.reduce((sum, group) => sum.plus(group.total), new Dec(0));
    const expense = await companyAccount(tx, "bonus_expense", currency);
    specs.push({
      key: `commission_payout:${Math.min(...paid.map((group) => Number(group.lineIds[0])))}:${currency}`,
      kind: "commission_payout",
      reference: "Commission payout",
      entries: [
        { account: expense, amount: total.negated() },
        ...paid.flatMap((group) => memberSettlement(memberAccountsOf(accounts, { memberId: group.receiverId, currency }), new Dec(group.total))),
      ],
    });
  }
  const posted = await postTransactions(tx, specs, at);
  const transactionOf = new Map(currencies.map((currency, i) => [currency, posted[i]!.id]));
  const lineIds = groups.flatMap((group) => group.lineIds.map(Number));
  const transactionIds = groups.flatMap((group) => group.lineIds.map(() => transactionOf.get(group.currency)!));
  await tx.execute(sql`
    update commission_line set status = 'paid', paid_at = ${at.toISOString()}::timestamptz, paid_transaction_id = paid.transaction_id
    from unnest(${bigintArray(lineIds)}, ${bigintArray(transactionIds)}) as paid(id, transaction_id)
    where commission_line.id = paid.id and commission_line.id = any(${bigintArray(lineIds)})`);
  return { lines: lineIds.length, transactions: posted.length, cursor: { payableAt: groups[0]!.cursorAt, id: groups[0]!.cursorId } };
}
