import { sql } from "drizzle-orm";
import type { Database } from "./client";

// Confirmations share hot rows: every one locks the volume rows of the buyer's whole upline, the
// root's included, until it commits. A synchronous commit holds those locks through the WAL flush
// (milliseconds on a real disk), which caps confirmations at one flush each, in series. So a
// confirmation's transaction commits asynchronously (its locks go as soon as the commit record is
// written; atomicity and isolation are unchanged), and the caller acknowledges (to Stripe, to the
// member) only after awaitDurable: a synchronous commit that flushes the WAL past it. A crash in
// between loses an effect nobody was told about: Stripe redelivers, the member retries.
// docs/decisions/009-orders-and-stripe.md.

/** Call first inside a confirmation's transaction: it will not wait for the WAL flush at commit. */
export async function commitAsynchronously(tx: Database): Promise<void> {
  await tx.execute(sql`set local synchronous_commit = off`);
}

/**
 * Returns once everything committed before it is on disk: a one-record transaction (a logical
 * message, no table, no lock) that commits synchronously flushes the WAL up to itself, and WAL is
 * flushed in order. Concurrent callers share flushes (group commit).
 */
export async function awaitDurable(db: Database): Promise<void> {
  await db.execute(sql`select pg_logical_emit_message(true, 'nnp:durable', '')`);
}
