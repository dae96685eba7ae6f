import { sql, type SQL } from "drizzle-orm";
import { now } from "../clock";
import { query, type Database } from "../db/client";
import { preparedQuery } from "../db/prepared";
import { periodOf } from "./calendar";
import type { PeriodStatus } from "./periods.sql";

// Which period an order counts in (SPEC.md section 2), and how a close keeps its period still.
//
// Locking: every confirmation and refund holds its period's lock SHARED (a transaction-scoped
// advisory lock: safe behind Neon's transaction-mode pooler, and shared holders never wait for
// each other) before it reads the period's status and until it commits. A close takes the same
// lock EXCLUSIVE before marking the period closed, so it waits for the confirmations in flight,
// and every confirmation after it sees the period closed. A close must take it before any row
// lock (decision 007).

const lockKey = (period: string) => sql`hashtext('nnp:period'), ${Number(period.replace("-", ""))}::int`;

/** The period's lock, shared, as an expression: for a caller that takes it in a statement of its own (see PeriodLocks). */
export const periodSharedLock = (period: string) => sql`pg_advisory_xact_lock_shared(${lockKey(period)})`;

/** Takes the period's lock; shared, it may follow a lock the caller must take first, in the same statement (one round trip fewer). */
export async function lockPeriod(tx: Database, period: string, mode: "shared" | "exclusive", options: { firstLock?: SQL } = {}): Promise<void> {
  // Target list expressions run in order: the caller's lock, then the period's.
  const lock = mode === "shared" ? periodSharedLock(period) : sql`pg_advisory_xact_lock(${lockKey(period)})`;
  await preparedQuery(tx, options.firstLock ? sql`select ${options.firstLock}, ${lock}` : sql`select ${lock}`);
}

/**
 * How the period's shared lock is taken: after a lock the caller must take first (the tree
 * shape's, say) in the same statement, one round trip fewer; or already `held`, taken by the
 * caller (periodSharedLock) after its own locks in a statement of its own.
 */
export interface PeriodLocks {
  firstLock?: SQL;
  held?: boolean;
}

export function nextPeriod(period: string): string {
  const [year, month] = period.split("-").map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, "0")}`;
}

/**
 * Locks the period shared and answers its status, creating its row (open) on first use. One
 * statement in the common case: the insert does nothing when the row exists, and the select finds
 * it. Only when a concurrent transaction created the row after this statement's snapshot does a
 * second statement (a fresh snapshot) read it.
 */
export async function holdPeriod(tx: Database, period: string, options: PeriodLocks = {}): Promise<PeriodStatus> {
  if (!options.held) await lockPeriod(tx, period, "shared", options);
  const [row] = await preparedQuery<{ status: PeriodStatus }>(tx, sql`with ${periodState(period)} select status from period_state`);
  if (row) return row.status;
  const [raced] = await query<{ status: PeriodStatus }>(tx, sql`select status from period where period = ${period}`);
  return raced!.status;
}

/**
 * The period's status as common table expressions, creating its row (open) on first use:
 * `period_state` has one row, or none when a concurrent transaction created the row after the
 * statement's snapshot (then a statement of its own reads it: holdPeriod). Read it only under the
 * period's lock, taken in an earlier statement, so that a close that committed meanwhile is seen.
 */
export const periodState = (period: string) =>
  sql`period_created as (
        insert into period (period, status, created_at) values (${period}, 'open', ${now().toISOString()}::timestamptz)
        on conflict (period) do nothing returning status
      ), period_state as (select status from period_created union all select status from period where period = ${period})`;

/**
 * The period an order confirmed at `confirmedAt` belongs to: the one containing that instant in
 * Mexico City, or, if that one is closed, the first open period after it (a late arrival). Leaves
 * the chosen period locked shared until the caller commits.
 */
export async function assignPeriod(tx: Database, confirmedAt: Date, options: PeriodLocks = {}): Promise<{ period: string; arrivedLate: boolean }> {
  const natural = periodOf(confirmedAt);
  let period = natural;
  let status = await holdPeriod(tx, period, options);
  while (status === "closed") {
    period = nextPeriod(period);
    status = await holdPeriod(tx, period);
  }
  return { period, arrivedLate: period !== natural };
}
