import { sql } from "drizzle-orm";
import { intArray } from "../db/arrays";
import { query, type Database } from "../db/client";
import { buildLevelChunks } from "./level-chunks";
import { preorder, type Preorder } from "./preorder";
import { liveSlot, lockTreeNumbering, lockTreeShape, positionTable, type Slot } from "./tree";

export interface RenumberSummary {
  done: true;
  /** False when there was nothing to do (no overlay, no moved rows). */
  renumbered: boolean;
  generation: number;
  /** Network members in the live numbering (this run's snapshot when it renumbered). */
  members: number;
  /** Members taken out of the overlay. */
  leftOverlay: number;
  durationMs: number;
}

/**
 * Recomputes the pre-order numbering of the whole network into the idle numbering table and makes
 * it the live one, emptying the overlay of everyone it numbered. One transaction: readers see the
 * old numbering or the new one, never a mix. Idempotent: with nothing in the overlay it does nothing.
 *
 * Correct against concurrent signups and moves: under the numbering lock (which a move also takes)
 * it reads one snapshot of the sponsor links and numbers exactly those members. A member who joins
 * meanwhile is not in the snapshot, so it stays in the overlay, re-anchored at the end under the
 * shape lock; a move waits for the numbering lock, so no member is numbered for a place it no
 * longer holds.
 *
 * Takes the database, not a transaction: it owns its transaction, then VACUUMs (which cannot run
 * inside one) the new table, so index-only scans need no heap visits, the overlay it emptied, so
 * the planner knows it is small again, and the level chunks, whose old rows it deleted.
 */
export async function renumberTree(db: Database): Promise<RenumberSummary> {
  const started = performance.now();
  const { slot, ...summary } = await db.transaction(async (tx) => {
    await lockTreeNumbering(tx);
    const live = await liveSlot(tx);
    const [state] = await query<{ generation: number; members: number; pending: boolean }>(
      tx,
      sql`select generation, members, exists (select 1 from tree_overlay) or exists (select 1 from ${positionTable(live)} where moved) as pending from tree_numbering`,
    );
    if (!state) throw new Error("tree_numbering has no row: run the migrations");
    if (!state.pending) return { slot: live, renumbered: false, generation: state.generation, members: state.members, leftOverlay: 0 };

    // Both aggregates read the same rows in the same order, so the arrays are aligned (an index-only
    // scan of member_network, by id).
    const [snapshot] = await query<{ ids: number[] | null; sponsors: number[] | null }>(
      tx,
      sql`select array_agg(id) as ids, array_agg(coalesce(sponsor_id, 0)) as sponsors from member where path is not null`,
    );
    const ids = Int32Array.from(snapshot?.ids ?? []);
    const tree = preorder(ids, Int32Array.from(snapshot?.sponsors ?? []));
    const next: Slot = live === 0 ? 1 : 0;
    await loadPositions(tx, next, ids, tree);
    await buildLevelChunks(tx, next);
    // The last step waits for signups in flight and holds new ones back for a moment: members who
    // joined since the snapshot stay in the overlay, re-anchored in the new numbering (their deepest
    // numbered ancestor, i.e. the largest lft among their ancestors, may have just been numbered).
    await lockTreeShape(tx, "exclusive");
    const cleared = await query<{ count: number }>(
      tx,
      sql`with cleared as (delete from tree_overlay o using ${positionTable(next)} p where p.member_id = o.member_id returning 1) select count(*)::int as count from cleared`,
    );
    await tx.execute(sql`update tree_overlay o set anchor_lft = (select max(p.lft) from ${positionTable(next)} p where p.member_id = any(m.path))
                         from member m where m.id = o.member_id`);
    const [numbering] = await query<{ generation: number }>(
      tx,
      sql`update tree_numbering set active_slot = ${next}, generation = generation + 1, numbered_at = now(), members = ${ids.length} returning generation`,
    );
    return { slot: next, renumbered: true, generation: numbering!.generation, members: ids.length, leftOverlay: cleared[0]?.count ?? 0 };
  });
  if (summary.renumbered) {
    await db.execute(sql`vacuum (analyze) ${positionTable(slot)}`);
    await db.execute(sql`vacuum (analyze) tree_overlay`);
    await db.execute(sql`vacuum (analyze) tree_level_chunk`);
  }
  return { done: true, ...summary, durationMs: Math.round(performance.now() - started) };
}

/**
 * Refills the idle table. Its indexes are dropped for the load and rebuilt from their own definitions
 * afterwards: building an index over sorted input is several times faster than inserting a million
 * rows into it. One statement: the codes and instants come from the member table's covering index
 * in one hash join. Nobody reads the idle table, and on failure all of it rolls back.
 */
async function loadPositions(tx: Database, slot: Slot, ids: Int32Array, tree: Preorder): Promise<void> {
  const table = positionTable(slot);
  const indexes = await query<{ name: string; definition: string }>(
    tx,
    sql`select indexname as name, indexdef as definition from pg_indexes where schemaname = current_schema() and tablename = ${slot === 0 ? "tree_position_0" : "tree_position_1"}`,
  );
  await tx.execute(sql`truncate ${table}`);
  await tx.execute(sql`set local work_mem = '128MB'`);
  await tx.execute(sql`set local maintenance_work_mem = '128MB'`);
  for (const index of indexes) await tx.execute(sql`drop index ${sql.identifier(index.name)}`);
  // In pre-order, so each row's lft is its ordinality; depth comes with the code and instant, and
  // from them order_rank (the place in its depth's page order) and network_rank (the place in the
  // page order of everyone below the root).
  const inPreorder = (values: Int32Array) => intArray(Array.from(tree.order, (node) => values[node]!));
  await tx.execute(sql`
    insert into ${table} (member_id, depth, lft, size, level_rank, order_rank, network_rank, enrolled_at, member_code)
    select u.id, m.depth, u.lft, u.size, u.level_rank, (row_number() over (partition by m.depth order by m.enrolled_at, m.member_code) - 1)::int,
           case when m.depth > 0 then (row_number() over (partition by m.depth > 0 order by m.enrolled_at, m.member_code) - 1)::int end,
           m.enrolled_at, m.member_code
    from unnest(${inPreorder(ids)}, ${inPreorder(tree.size)}, ${inPreorder(tree.levelRank)}) with ordinality as u(id, size, level_rank, lft)
    join member m on m.id = u.id and m.path is not null`);
  for (const index of indexes) await tx.execute(sql.raw(index.definition));
}
