import { sql } from "drizzle-orm";
import { intArray, numericArray } from "../../src/db/arrays";
import type { Database } from "../../src/db/client";
import { seededRandom } from "../../src/seed/demo";
import { shapeDepths, type TreeShape } from "./tree-data";

// Facts about a generated shape, computed in memory, to pick what the bench measures.

export interface ShapeFacts {
  /** Depth below the anchor (its children: 1). */
  depths: Int32Array;
  /** Subtree sizes, the node included. */
  sizes: Int32Array;
  /** Members per depth below the anchor. */
  widths: number[];
  deepest: number;
}

export function shapeFacts(parents: TreeShape): ShapeFacts {
  const depths = shapeDepths(parents);
  const sizes = new Int32Array(parents.length).fill(1);
  for (let i = parents.length - 1; i >= 0; i -= 1) if (parents[i]! >= 0) sizes[parents[i]!]! += sizes[i]!;
  const widths: number[] = [];
  let deepest = 0;
  for (let i = 0; i < parents.length; i += 1) {
    widths[depths[i]!] = (widths[depths[i]!] ?? 0) + 1;
    if (depths[i]! > depths[deepest]!) deepest = i;
  }
  return { depths, sizes, widths, deepest };
}

export function depthPercentiles(depths: Int32Array): string {
  const sorted = Int32Array.from(depths).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5)}, p99 ${at(0.99)}, max ${at(1)}`;
}

/**
 * Period volumes as the volumes domain keeps them once folded: a share of members with their own PV,
 * every ancestor's PVG the sum of its subtree (the anchor's row included), and the PV by depth.
 */
export async function seedVolumes(db: Database, options: { period: string; anchorId: number; ids: Int32Array; parents: TreeShape; activeShare: number; seed: number }): Promise<number> {
  const random = seededRandom(options.seed);
  const count = options.ids.length;
  // Whole PV units: integers, exact in a double far beyond any total here.
  const pv = new Int32Array(count);
  for (let i = 0; i < count; i += 1) if (random() < options.activeShare) pv[i] = 100 * (1 + Math.floor(random() * 30));
  const pvg = Float64Array.from(pv);
  let anchorPvg = 0;
  for (let i = count - 1; i >= 0; i -= 1) {
    if (options.parents[i]! >= 0) pvg[options.parents[i]!]! += pvg[i]!;
    else anchorPvg += pvg[i]!;
  }
  const rows = [...Array(count).keys()].filter((i) => pvg[i]! > 0);
  for (let from = 0; from < rows.length; from += 100_000) {
    const batch = rows.slice(from, from + 100_000);
    await db.execute(sql`insert into member_volume (period, member_id, pv, pvg)
      select ${options.period}, u.id, u.pv, u.pvg from unnest(${intArray(batch.map((i) => options.ids[i]!))}, ${numericArray(batch.map((i) => String(pv[i])))},
                                                                 ${numericArray(batch.map((i) => String(pvg[i])))}) as u(id, pv, pvg)`);
  }
  await db.execute(sql`insert into member_volume (period, member_id, pv, pvg) values (${options.period}, ${options.anchorId}, 0, ${String(anchorPvg)})`);
  // And the PV by depth the fold keeps (the seeded members are the only ones with PV).
  await db.execute(sql`insert into depth_volume (period, depth, pv)
    select v.period, m.depth, sum(v.pv) from member_volume v join member m on m.id = v.member_id where v.period = ${options.period} and v.pv <> 0 group by v.period, m.depth
    on conflict (period, depth) do update set pv = depth_volume.pv + excluded.pv`);
  return rows.length + 1;
}
