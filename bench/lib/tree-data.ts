import { sql } from "drizzle-orm";
import { UNUSABLE_PASSWORD_HASH } from "../../src/auth/password";
import { intArray, textArray } from "../../src/db/arrays";
import { query, type Database } from "../../src/db/client";
import { seededRandom } from "../../src/seed/demo";

export { seededRandom };

// Generated genealogies for benchmarks and tests: a shape (who sponsors whom) computed in memory,
// inserted set-based one depth at a time (each row's path is its sponsor's path plus its own id).

/** `parents[i]` is the index of node i's sponsor within the same array, or -1 for the anchor. */
export type TreeShape = Int32Array;

export interface ShapeOptions {
  seed: number;
  /** Chains of single-child members, each hung under a random member. */
  chains: number;
  chainLength: number;
  /** Share of members who join somewhere below a chain (they make the deep tail). */
  deepShare: number;
  /** Sponsors are drawn with a bias to recent members: higher means deeper, narrower trees. */
  recencyPower: number;
}

/** The production-like shape of PERFORMANCE.md (1M: median depth ~29, p99 ~900, max ~2,100). */
export const PRODUCTION_LIKE: Omit<ShapeOptions, "seed"> = { chains: 5, chainLength: 2_060, deepShare: 0.01, recencyPower: 3 };

/** Every parent precedes its children, so the array is also an enrolment order. */
export function randomTreeShape(count: number, options: ShapeOptions): TreeShape {
  const random = seededRandom(options.seed);
  const parents = new Int32Array(count);
  const broad = new Int32Array(count + 1);
  broad[0] = -1;
  let broadCount = 1;
  const deep: number[] = [];
  const chainStarts = new Set(Array.from({ length: options.chains }, (_, c) => Math.floor((count * (c + 1)) / (options.chains + 1))));
  for (let i = 0; i < count; ) {
    if (chainStarts.has(i)) {
      let parent = broad[Math.floor(random() * broadCount)]!;
      for (let k = 0; k < options.chainLength && i < count; k += 1, i += 1) {
        parents[i] = parent;
        deep.push(i);
        parent = i;
      }
      continue;
    }
    if (deep.length > 0 && random() < options.deepShare) {
      parents[i] = deep[Math.floor(random() * deep.length)]!;
      deep.push(i);
    } else {
      parents[i] = broad[broadCount - 1 - Math.floor(random() ** options.recencyPower * broadCount)]!;
      broad[broadCount++] = i;
    }
    i += 1;
  }
  return parents;
}

/** Depth of each node below the anchor (anchor's children: 1). */
export function shapeDepths(parents: TreeShape): Int32Array {
  const depths = new Int32Array(parents.length);
  for (let i = 0; i < parents.length; i += 1) {
    const parent = parents[i]!;
    if (parent >= i) throw new Error(`tree shape: node ${i} comes before its parent ${parent}`);
    depths[i] = parent < 0 ? 1 : depths[parent]! + 1;
  }
  return depths;
}

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A unique 8-character code per id (an odd multiplier permutes 40-bit numbers), random-looking like real ones. */
export function memberCodeFor(id: number): string {
  let value = (BigInt(id) * 0x9e3779b1n) & 0xffffffffffn;
  let code = "";
  for (let i = 0; i < 8; i += 1, value >>= 5n) code = ALPHABET[Number(value & 31n)] + code;
  return code;
}

export interface TreeRows {
  /** Sponsor (member id) of the nodes whose parent is -1: one for all, or per node. */
  anchorId: number | ((index: number) => number);
  parents: TreeShape;
  /** Defaults: "Member", "N<index>", countries in turn, one second apart from 2024-01-01. */
  name?: (index: number) => { firstName: string; lastName: string };
  country?: (index: number) => string;
  enrolledAt?: (index: number) => Date;
}

const COUNTRIES = ["MX", "US", "CO"];
const BATCH = 20_000;

/** Inserts the nodes (one statement per depth and batch) and answers their member ids, in node order. */
export async function insertTree(db: Database, rows: TreeRows): Promise<Int32Array> {
  const count = rows.parents.length;
  const [allocated] = await query<{ ids: number[] }>(db, sql`select array_agg(nextval(pg_get_serial_sequence('member', 'id'))::int) as ids from generate_series(1, ${count})`);
  const ids = Int32Array.from(allocated?.ids ?? []);
  const depths = shapeDepths(rows.parents);
  const byDepth = new Map<number, number[]>();
  for (let i = 0; i < count; i += 1) {
    const list = byDepth.get(depths[i]!) ?? [];
    list.push(i);
    byDepth.set(depths[i]!, list);
  }
  const start = Date.UTC(2024, 0, 1);
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) {
    const nodes = byDepth.get(depth)!;
    for (let from = 0; from < nodes.length; from += BATCH) {
      const batch = nodes.slice(from, from + BATCH);
      const names = batch.map((i) => rows.name?.(i) ?? { firstName: "Member", lastName: `N${i}` });
      await db.execute(sql`
        insert into member (id, member_code, email, password_hash, first_name, last_name, country, sponsor_id, depth, path, enrolled_at)
        select u.id, u.code, 'tree-' || u.id || '@example.test', ${UNUSABLE_PASSWORD_HASH}, u.first_name, u.last_name, u.country,
               sponsor.id, sponsor.depth + 1, sponsor.path || u.id, u.enrolled_at::timestamptz
        from unnest(${intArray(batch.map((i) => ids[i]!))}, ${intArray(batch.map((i) => (rows.parents[i]! >= 0 ? ids[rows.parents[i]!]! : typeof rows.anchorId === "number" ? rows.anchorId : rows.anchorId(i))))},
                    ${textArray(batch.map((i) => memberCodeFor(ids[i]!)))}, ${textArray(names.map((n) => n.firstName))}, ${textArray(names.map((n) => n.lastName))},
                    ${textArray(batch.map((i) => rows.country?.(i) ?? COUNTRIES[i % 3]!))},
                    ${textArray(batch.map((i) => (rows.enrolledAt?.(i) ?? new Date(start + i * 1000)).toISOString()))})
               as u(id, sponsor_id, code, first_name, last_name, country, enrolled_at)
        join member sponsor on sponsor.id = u.sponsor_id`);
    }
  }
  return ids;
}
