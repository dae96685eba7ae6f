import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { AppError } from "../errors";
import { idempotencyKeyTable } from "./http.sql";

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** The `Idempotency-Key` header, if any (1-255 visible ASCII characters). */
export function idempotencyKeyOf(request: Request): string | undefined {
  const key = request.headers.get("idempotency-key");
  if (key === null) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new AppError("validation", "Idempotency-Key must be 1-255 visible ASCII characters", { errors: [{ path: "Idempotency-Key", message: "Invalid header" }] });
  }
  return key;
}

/**
 * Runs `work` in one transaction together with the idempotency record, so the effect and the stored
 * response commit or vanish together. A concurrent request with the same key blocks on the key's
 * unique index until the first commits, then answers the stored response; with a different body, 422.
 * A failed attempt (an error) stores nothing: retrying it runs again.
 */
export async function idempotent(
  db: Database,
  options: { scope: string; key: string | undefined; payload: unknown },
  work: (tx: Database) => Promise<StoredResponse>,
): Promise<StoredResponse> {
  const { scope, key } = options;
  if (key === undefined) return db.transaction((tx) => work(tx));
  const requestHash = createHash("sha256").update(JSON.stringify(options.payload ?? null)).digest("hex");
  return db.transaction(async (tx) => {
    const claimed = await tx
      .insert(idempotencyKeyTable)
      .values({ scope, key, requestHash, status: 0, body: null })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeyTable.key });
    if (claimed.length === 0) {
      const [stored] = await tx.select().from(idempotencyKeyTable).where(and(eq(idempotencyKeyTable.scope, scope), eq(idempotencyKeyTable.key, key)));
      if (!stored) throw new AppError("conflict", "A request with this Idempotency-Key is in progress; retry shortly");
      if (stored.requestHash !== requestHash) throw new AppError("business_rule", "This Idempotency-Key was used with a different request body");
      return { status: stored.status, body: stored.body };
    }
    const response = await work(tx);
    await tx
      .update(idempotencyKeyTable)
      .set({ status: response.status, body: sql`${JSON.stringify(response.body)}::jsonb` })
      .where(and(eq(idempotencyKeyTable.scope, scope), eq(idempotencyKeyTable.key, key)));
    return response;
  });
}

/**
 * Replaces the response stored under a key, for work that finishes outside the first transaction
 * (a payment provider call must not run inside one): replays then answer the final response.
 */
export async function storeResponse(db: Database, options: { scope: string; key: string }, response: StoredResponse): Promise<void> {
  await db
    .update(idempotencyKeyTable)
    .set({ status: response.status, body: sql`${JSON.stringify(response.body)}::jsonb` })
    .where(and(eq(idempotencyKeyTable.scope, options.scope), eq(idempotencyKeyTable.key, options.key)));
}
