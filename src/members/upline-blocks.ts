import { sql } from "drizzle-orm";
import { inBatches } from "../db/batches";
import { query, type Database } from "../db/client";

// The upline in blocks of 64 levels (migrations/0007, decision 001): a block is keyed by a member
// whose depth is a positive multiple of 64 and holds that member and the 63 ancestors above it,
// nearest first. Triggers on `member` drop a block when a member it holds changes code, name or
// career rank, and a moved member's own block; this builds the missing ones.

/** Levels per block; migrations/0007 indexes the keys with the same number. */
export const UPLINE_BLOCK_LEVELS = 64;

/** Items of a block: [member code, name, career rank code], the key first. */
export type UplineBlockItem = [memberCode: string, name: string, careerRank: string | null];

/**
 * Builds every missing block, in batches of `batch` keys, each batch a transaction of its own that
 * holds the blocks lock exclusive from before it reads: a transaction that changed a member and has
 * not committed yet holds the lock shared (its trigger took it), so the batch waits for it and then
 * reads its change; one that changes a member later waits for the batch, then drops the blocks it
 * built. Stops early, with `done: false`, once `budgetMs` has passed (the next run goes on).
 */
export async function buildUplineBlocks(db: Database, options: { batch?: number; budgetMs?: number } = {}): Promise<{ done: boolean; built: number; durationMs: number }> {
  const { batch = 200, budgetMs = 20_000 } = options;
  let after = 0;
  const { handled: built, ...run } = await inBatches({ batch, budgetMs }, async () => {
    const keys = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('nnp:tree:upline-blocks'))`);
      return query<{ id: number }>(
        tx,
        sql`insert into upline_block (member_id, member_ids, items)
            select k.id, array_agg(a.id order by a.depth desc),
                   json_agg(json_build_array(a.member_code, a.first_name || ' ' || a.last_name, a.career_rank) order by a.depth desc)::text
            from (
              select m.id, m.depth, m.path from member m
              where m.depth > 0 and m.depth % ${sql.raw(String(UPLINE_BLOCK_LEVELS))} = 0 and m.id > ${after}
                and not exists (select 1 from upline_block b where b.member_id = m.id)
              order by m.id limit ${batch}
            ) k
            cross join lateral unnest(k.path[k.depth - ${UPLINE_BLOCK_LEVELS - 2} : k.depth + 1]) as p(id)
            join member a on a.id = p.id
            group by k.id
            returning member_id as id`,
      );
    });
    after = Math.max(after, ...keys.map((key) => key.id));
    return keys.length;
  });
  return { ...run, built };
}
