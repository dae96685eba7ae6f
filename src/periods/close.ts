import { sql } from "drizzle-orm";
import { now } from "../clock";
import type { Database } from "../db/client";
import { foldPending, lockFold } from "../volumes/fold";
import { lockPeriod } from "./periods";

/**
 * Marks a period closed (idempotent). What the monthly close does first, before posting the
 * period's monthly bonuses: under the fold lock (taken before any other, decision 010) and then the
 * period's exclusive lock (which waits for the confirmations in flight), it folds every pending
 * volume event, so the period's PVG and ranks are complete; from its commit on, confirmations go
 * elsewhere.
 */
export async function markPeriodClosed(tx: Database, period: string, closedAt = now()): Promise<void> {
  await lockFold(tx);
  await lockPeriod(tx, period, "exclusive");
  await foldPending(tx);
  await tx.execute(
    sql`insert into period (period, status, created_at, closed_at) values (${period}, 'closed', ${closedAt.toISOString()}::timestamptz, ${closedAt.toISOString()}::timestamptz)
        on conflict (period) do update set status = 'closed', closed_at = excluded.closed_at where period.status = 'open'`,
  );
}
