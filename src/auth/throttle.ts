import { sql, type SQL } from "drizzle-orm";
import { now } from "../clock";
import { query, type Database } from "../db/client";
import { AppError } from "../errors";

// Attempt throttling kept in Postgres (rate_limit_event), so every function instance sees the same
// counts. An attempt is recorded BEFORE the slow work it guards and withdrawn only if it succeeds:
// counting and recording happen under one advisory lock per key, so N parallel attempts can never
// all pass a limit of 5 (an attempt still in flight counts: it may yet fail). A success withdraws
// only its own event, never earlier failures: otherwise an attacker could sign in to an account
// of their own between guesses and so reset the per-IP count (and the rule counts failures anyway).

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
/** Rows pruned per attempt, whatever their key: enough to keep up with one new row per attempt. */
const PRUNE_BATCH = 100;

export interface Limit {
  key: string;
  /** Attempts allowed within the window; the next one is refused until the oldest of them leaves it. */
  max: number;
}

const keyList = (limits: Limit[]): SQL => sql.join(limits.map((limit) => sql`${limit.key}`), sql`, `);

/**
 * Claims one attempt under every limit, or throws 429 with Retry-After (seconds until the window
 * admits another one). Returns `succeeded`, which withdraws the claimed events.
 */
export async function claimAttempt(db: Database, limits: Limit[]): Promise<{ succeeded: () => Promise<void> }> {
  const at = now();
  const since = new Date(at.getTime() - THROTTLE_WINDOW_MS).toISOString();
  const retryAfterMs = await db.transaction(async (tx) => {
    // One statement, locks in hash order: no two attempts can deadlock on each other's keys.
    await tx.execute(sql`select pg_advisory_xact_lock(h) from (select distinct hashtext(k) as h from unnest(array[${keyList(limits)}]::text[]) as k) keys order by h`);
    await tx.execute(sql`delete from rate_limit_event where ctid = any(array(
      select ctid from rate_limit_event where occurred_at <= ${since}::timestamptz limit ${PRUNE_BATCH}))`);
    let wait = 0;
    for (const { key, max } of limits) {
      // The max-th newest event in the window: while it is inside, the limit is reached.
      // It leaves the window when the window's start passes it: in (occurred_at - since).
      const [blocking] = await query<{ waitMs: string }>(
        tx,
        sql`select extract(epoch from occurred_at - ${since}::timestamptz) * 1000 as "waitMs" from rate_limit_event
            where key = ${key} and occurred_at > ${since}::timestamptz order by occurred_at desc offset ${max - 1} limit 1`,
      );
      if (blocking) wait = Math.max(wait, Number(blocking.waitMs));
    }
    if (wait > 0) return wait;
    await tx.execute(sql`insert into rate_limit_event (key, occurred_at) select k, ${at.toISOString()}::timestamptz from unnest(array[${keyList(limits)}]::text[]) as k`);
    return 0;
  });
  if (retryAfterMs > 0) throw new AppError("rate_limited", "Too many failed attempts; try again later", { retryAfter: retryAfterMs / 1000 });
  return {
    succeeded: async () => {
      await db.execute(sql`delete from rate_limit_event where ctid in (
        select distinct on (key) ctid from rate_limit_event where key in (${keyList(limits)}) and occurred_at = ${at.toISOString()}::timestamptz)`);
    },
  };
}
