import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { preparedQuery } from "../db/prepared";

// How the genealogy is stored and read (docs/decisions/001-tree-storage.md, migrations/0001):
// - member.path (root first, self last) and member.depth (root 0) are always exact.
// - tree_position_<slot>: a pre-order numbering (lft, size, level_rank) of one snapshot; the live
//   slot is named by tree_numbering. Rows of members moved since carry moved = true.
// - tree_overlay: members who joined or were moved since that snapshot, each anchored at the live
//   lft of its deepest numbered ancestor (everyone between that ancestor and it is overlay too).
// The members below M are therefore: unmoved rows with lft in (M.lft, M.lft + M.size) plus overlay
// rows anchored in [M.lft, M.lft + M.size), when M is numbered; when M is itself in the overlay,
// only overlay rows with M's anchor whose path holds M. The parts never overlap. `size` is a range
// width from the snapshot, never a live count.

export type Slot = 0 | 1;

/** A member as the root of the subtree being read. */
export interface TreeNode {
  id: number;
  depth: number;
  /** Null when the member is in the overlay. */
  lft: number | null;
  size: number | null;
  /** When the member is in the overlay: its anchor (null under a root not yet numbered). */
  anchor: number | null;
}

/** The live numbering table: one of two fixed names, never text from a request. */
export const positionTable = (slot: Slot) => sql.raw(slot === 0 ? "tree_position_0" : "tree_position_1");

export async function liveSlot(tx: Database): Promise<Slot> {
  const [row] = await preparedQuery<{ slot: Slot }>(tx, sql`select active_slot as slot from tree_numbering`);
  if (!row) throw new Error("tree_numbering has no row: run the migrations");
  return row.slot;
}

/** A node's columns as SQL: the values of a TreeNode (nodeValues), or the columns of the statement that finds it (liveNode). */
export interface NodeColumns {
  id: SQL;
  depth: SQL;
  lft: SQL;
  size: SQL;
  anchor: SQL;
}

export const nodeValues = (node: TreeNode): NodeColumns => ({
  id: sql`${node.id}::int`,
  depth: sql`${node.depth}::int`,
  lft: sql`${node.lft}::int`,
  size: sql`${node.size}::int`,
  anchor: sql`${node.anchor}::int`,
});

/**
 * The live slot and the place of the member row `m` matching `where` in that numbering (or its
 * overlay anchor), in one statement: undefined when no member matches. The plan is the same for
 * every member (it probes both tables' member index, the idle one finding nothing to join), so it
 * is prepared. `count`, when given, is an integer expression over the node's columns in a slot (say,
 * how many members are below it), computed in the same statement for the live slot.
 */
export async function liveNode(
  tx: Database,
  where: SQL,
  count?: (node: NodeColumns, slot: Slot) => SQL,
): Promise<{ slot: Slot; node: TreeNode; count: number | null } | undefined> {
  const columns = (p: string): NodeColumns => ({ id: sql`m.id`, depth: sql`m.depth`, lft: sql.raw(`${p}.lft`), size: sql.raw(`${p}.size`), anchor: sql`mo.anchor_lft` });
  const counted = count ? sql`case n.active_slot when 0 then ${count(columns("p0"), 0)} else ${count(columns("p1"), 1)} end` : sql`null`;
  const [row] = await preparedQuery<TreeNode & { slot: Slot; count: number | null }>(
    tx,
    sql`select n.active_slot as slot, m.id, m.depth, coalesce(p0.lft, p1.lft) as lft, coalesce(p0.size, p1.size) as size, mo.anchor_lft as anchor,
               (${counted})::int as count
        from member m cross join tree_numbering n
        left join tree_position_0 p0 on n.active_slot = 0 and p0.member_id = m.id and not p0.moved
        left join tree_position_1 p1 on n.active_slot = 1 and p1.member_id = m.id and not p1.moved
        left join tree_overlay mo on mo.member_id = m.id
        where ${where}`,
  );
  if (!row) return undefined;
  const { slot, count: result, ...node } = row;
  return { slot, node, count: result };
}

/**
 * Runs the reads of one request on one snapshot, so the live slot, the overlay and the member rows
 * all describe the same tree even if a renumbering or a move commits meanwhile.
 */
export function readTree<T>(db: Database, work: (tx: Database) => Promise<T>): Promise<T> {
  return db.transaction(work, { isolationLevel: "repeatable read", accessMode: "read only" });
}

/**
 * The two disjoint parts of the members strictly below `node`, all of them or only those exactly
 * `level` levels below, optionally narrowed by a condition on the member id. Each part selects `id`
 * and either the page order (`enrolled_at`, `member_code`) or `depth` (select no more than needed:
 * these can be a million rows). Numbered rows are range-scanned in the live table (or walked in page
 * order, for large subtrees); overlay rows by their anchor (the root takes every one: everyone in
 * the network is below it).
 */
export function below(
  node: TreeNode,
  slot: Slot,
  options: { level?: number; select: "order" | "depth"; where?: (memberId: SQL) => SQL },
): { numbered: SQL; overlay: SQL } {
  const { level, where = () => sql`true` } = options;
  const depth = (column: SQL) => (level === undefined ? sql`${column} > ${node.depth}` : sql`${column} = ${node.depth + level}`);
  const columns = (t: string) => sql.raw(options.select === "order" ? `${t}.member_id as id, ${t}.enrolled_at, ${t}.member_code` : `${t}.member_id as id, ${t}.depth`);
  const range = node.lft === null || node.size === null ? sql`false` : sql`p.lft > ${node.lft} and p.lft < ${node.lft + node.size}`;
  const numbered = sql`select ${columns("p")} from ${positionTable(slot)} p where ${range} and ${depth(sql`p.depth`)} and not p.moved and ${where(sql`p.member_id`)}`;
  const inOverlay = node.depth === 0 ? sql`true` : node.lft !== null ? overlayUnderNumbered(nodeValues(node)) : overlayUnderOverlay(nodeValues(node));
  const overlay = sql`select ${columns("o")} from tree_overlay o where ${depth(sql`o.depth`)} and ${inOverlay} and ${where(sql`o.member_id`)}`;
  return { numbered, overlay };
}

/** Overlay rows (`o`) below a numbered node: those anchored in its range. */
export const overlayUnderNumbered = (node: NodeColumns) => sql`o.anchor_lft >= ${node.lft} and o.anchor_lft < ${node.lft} + ${node.size}`;

/** Overlay rows (`o`) below a node that is itself in the overlay: those with its anchor and it on their path. */
export const overlayUnderOverlay = (node: NodeColumns) =>
  sql`o.anchor_lft is not distinct from ${node.anchor} and exists (select 1 from member om where om.id = o.member_id and om.path[${node.depth} + 1] = ${node.id})`;

// Advisory locks, transaction-scoped (safe behind Neon's transaction-mode pooler).
// - shape: a signup holds it shared; a move, and a renumbering for its last step (re-anchoring the
//   overlay and switching tables), exclusive. So no signup copies a path a move rewrites, or an
//   anchor a renumbering is about to change.
// - numbering: a move and a renumbering hold it exclusive, so a renumbering never computes from a
//   tree a move changes under it, and two renumberings never interleave.
// Order: numbering before shape, always.

export async function lockTreeShape(tx: Database, mode: "shared" | "exclusive"): Promise<void> {
  await preparedQuery(tx, mode === "shared" ? sql`select ${treeShapeShared}` : sql`select pg_advisory_xact_lock(hashtext('nnp:tree:shape'))`);
}

/** The shape lock, shared, as an expression: for a caller that takes it in a statement of its own (holdPeriod). */
export const treeShapeShared = sql`pg_advisory_xact_lock_shared(hashtext('nnp:tree:shape'))`;

export async function lockTreeNumbering(tx: Database): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('nnp:tree:numbering'))`);
}
