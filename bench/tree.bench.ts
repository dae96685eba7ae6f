import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { sql } from "drizzle-orm";
import { hashPassword } from "../src/auth/password";
import { issueAccessToken } from "../src/auth/tokens";
import { now } from "../src/clock";
import { query } from "../src/db/client";
import { enrollMember } from "../src/members/enroll";
import { moveMember } from "../src/members/move";
import { renumberTree } from "../src/members/renumber";
import { buildUplineBlocks, UPLINE_BLOCK_LEVELS } from "../src/members/upline-blocks";
import { periodOf } from "../src/periods/calendar";
import summaryHandler from "../netlify/functions/network-summary";
import downlineHandler from "../netlify/functions/network-downline";
import uplineHandler from "../netlify/functions/network-upline";
import { ms, p50p95, percentiles, timed, type BenchContext } from "./lib/context";
import { insertTree, memberCodeFor, PRODUCTION_LIKE, randomTreeShape } from "./lib/tree-data";
import { depthPercentiles, seedVolumes, shapeFacts } from "./lib/tree-stats";
import { seededRandom } from "../src/seed/demo";

// The genealogy at production scale (PERFORMANCE.md): 1,000,000 members, chains 2,000+ deep.
// Targets on a 2-core machine: any downline page p95 <= 10 ms, root summary <= 200 ms, upline of a
// 2,000-deep member <= 10 ms, a signup under a 2,000-deep sponsor <= 20 ms.

export const name = "tree";
const MEMBERS = Number(process.env.BENCH_TREE_MEMBERS ?? 1_000_000);
const PAGE_REQUESTS = 200;

type Handler = (request: Request) => Promise<Response>;

/** The response, after checking its status. */
async function answer(handler: Handler, path: string, token: string): Promise<Response> {
  const response = await handler(new Request(`http://bench.local${path}`, { headers: { authorization: `Bearer ${token}` } }));
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

/**
 * The response body read to its last byte, piece by piece, as a server writes it to its socket:
 * the server's work, without the client's decoding and JSON parse (1-2 ms of the upline's 170 KB).
 */
async function get(handler: Handler, path: string, token: string): Promise<number> {
  const reader = (await answer(handler, path, token)).body!.getReader();
  let bytes = 0;
  for (let piece = await reader.read(); !piece.done; piece = await reader.read()) bytes += piece.value.byteLength;
  return bytes;
}

/**
 * p50 / p95 of `count` requests after `count / 4` unmeasured ones: the first calls of a code path
 * in a process run before V8 has compiled it, which a serving instance has long done.
 */
async function served(count: number, request: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < count / 4; i += 1) await request();
  return percentiles(count, request);
}

export async function run({ db, report }: BenchContext): Promise<void> {
  report({ measure: "load average at start (2 cores)", value: loadavg().map((load) => load.toFixed(1)).join(" ") });
  const period = periodOf(now());
  const random = seededRandom(11);
  const [root] = await query<{ id: number; code: string }>(db, sql`select id, member_code as code from member where depth = 0`);
  const shape = randomTreeShape(MEMBERS, { seed: 7, ...PRODUCTION_LIKE });
  const facts = shapeFacts(shape);
  const built = await timed(() => insertTree(db, { anchorId: root!.id, parents: shape }));
  const ids = built.result;
  const code = (node: number) => memberCodeFor(ids[node]!);
  report({ measure: `build ${MEMBERS.toLocaleString("en")} members (set-based, per depth)`, value: ms(built.ms), detail: `depth ${depthPercentiles(facts.depths)}` });
  const volumeRows = await seedVolumes(db, { period, anchorId: root!.id, ids, parents: shape, activeShare: 0.3, seed: 5 });
  await db.execute(sql`vacuum analyze`);
  report({ measure: "renumber (first, whole tree in the overlay)", value: ms((await timed(() => renumberTree(db))).ms), detail: `${volumeRows.toLocaleString("en")} volume rows` });
  // The bulk load's dirty pages written now, not by a checkpoint spread over the measurements.
  await db.execute(sql`checkpoint`);

  // What to read: a large subtree near the top, the root's widest level, a deep level, the deepest member.
  let large = 0;
  for (let i = 0; i < MEMBERS; i += 1) if (facts.depths[i] === 2 && facts.sizes[i]! > facts.sizes[large]!) large = i;
  let typical = 0;
  for (let i = 0; i < MEMBERS; i += 1) if (Math.abs(facts.sizes[i]! - 5_000) < Math.abs(facts.sizes[typical]! - 5_000)) typical = i;
  const widest = facts.widths.indexOf(Math.max(...facts.widths.filter(Number.isFinite)));
  const largeWidest = widestLevelBelow(shape, facts.depths, large);
  const deepLevel = 1_500;
  const staff = await issueAccessToken({ memberId: (await query<{ id: number }>(db, sql`select id from member where email = 'support@nnprotect.local'`))[0]!.id, role: "support" });
  const largeToken = await issueAccessToken({ memberId: ids[large]!, role: "member" });
  const count = async (path: string, token: string) => ((await (await answer(downlineHandler, path, token)).json()) as { total: number }).total;

  // Random pages show the cost of OFFSET (pages past the middle are read from the far end); the
  // first ten are what people mostly open.
  const pages = async (label: string, path: string, token: string, requests = PAGE_REQUESTS) => {
    const total = await count(`${path}&pageSize=50`, token);
    const last = Math.max(1, Math.ceil(total / 50));
    const spread = await served(requests, () => get(downlineHandler, `${path}&pageSize=50&page=${1 + Math.floor(random() * last)}`, token));
    const first = await served(requests, () => get(downlineHandler, `${path}&pageSize=50&page=${1 + Math.floor(random() * Math.min(10, last))}`, token));
    report({ measure: `downline page: ${label}`, value: `${p50p95(spread)}; first 10: ${p50p95(first)}`, detail: `p50 / p95 of ${requests} 50-row pages, random of ${last} (${total.toLocaleString("en")} members)` });
  };
  const summary = async (label: string, path: string, token: string, runs: number) =>
    report({ measure: `summary: ${label}`, value: p50p95(await served(runs, () => get(summaryHandler, path, token))), detail: `p50/p95 of ${runs}` });
  const readAll = async (when: string) => {
    await pages(`level 3 of a ${facts.sizes[large]!.toLocaleString("en")}-member subtree${when}`, `/api/network/downline?level=3`, largeToken);
    await pages(`root's widest level (${widest})${when}`, `/api/network/downline?member=${root!.code}&level=${widest}`, staff);
    await pages(`the ${facts.sizes[large]!.toLocaleString("en")}-member subtree's widest level (${largeWidest})${when}`, `/api/network/downline?level=${largeWidest}`, largeToken);
    await pages(`root's level ${deepLevel}${when}`, `/api/network/downline?member=${root!.code}&level=${deepLevel}`, staff);
    await pages(`root, every level${when}`, `/api/network/downline?member=${root!.code}`, staff, 50);
    await pages(`the ${facts.sizes[large]!.toLocaleString("en")}-member subtree, every level${when}`, `/api/network/downline?member=${code(large)}`, largeToken, 50);
    await summary(`root${when}`, `/api/network/summary?member=${root!.code}`, staff, 20);
    await summary(`the ${facts.sizes[large]!.toLocaleString("en")}-member subtree${when}`, `/api/network/summary`, largeToken, 20);
    await summary(`a ${facts.sizes[typical]!.toLocaleString("en")}-member subtree${when}`, `/api/network/summary?member=${code(typical)}`, staff, PAGE_REQUESTS);
  };
  const baseline = await served(PAGE_REQUESTS, () => get(uplineHandler, `/api/network/upline?member=${root!.code}`, staff));
  report({ measure: "baseline: upline of the root (token check + one lookup)", value: p50p95(baseline), detail: "the machine's cost of any request" });
  await readAll("");
  // The upline: first as a member's whose blocks are not built yet (every level looked up), then
  // as the scheduled run leaves it.
  const deepestUpline = () => served(PAGE_REQUESTS, () => get(uplineHandler, `/api/network/upline?member=${code(facts.deepest)}`, staff));
  const deepestLabel = `upline of the deepest member (depth ${facts.depths[facts.deepest]})`;
  report({ measure: `${deepestLabel}, no blocks built`, value: p50p95(await deepestUpline()), detail: `p50/p95 of ${PAGE_REQUESTS}` });
  const blocks = await timed(() => buildUplineBlocks(db, { budgetMs: Infinity }));
  report({ measure: "build the upline blocks (scheduled run)", value: ms(blocks.ms), detail: `${blocks.result.built.toLocaleString("en")} blocks of ${UPLINE_BLOCK_LEVELS} levels` });
  report({ measure: deepestLabel, value: p50p95(await deepestUpline()), detail: `p50/p95 of ${PAGE_REQUESTS}` });
  const search = await served(20, () => get(downlineHandler, `/api/network/downline?member=${root!.code}&search=n12345`, staff));
  report({ measure: "downline search over the whole network (root)", value: p50p95(search), detail: "p50/p95 of 20; trigram indexes" });

  // Signups under a 2,000-deep sponsor: the tree insert, then what a full registration adds.
  let deepSponsor = facts.deepest;
  while (facts.depths[deepSponsor]! > 2_000) deepSponsor = shape[deepSponsor]!;
  const passwordHash = await hashPassword("bench-password-123");
  const enrolled = await percentiles(PAGE_REQUESTS, (i) =>
    enrollMember(db, { email: `bench-${i}@example.test`, passwordHash, firstName: "Bench", lastName: "Signup", country: "MX", sponsorCode: code(deepSponsor) }),
  );
  report({ measure: `signup under a ${facts.depths[deepSponsor]}-deep sponsor: enrollMember`, value: p50p95(enrolled), detail: `p50/p95 of ${PAGE_REQUESTS}` });
  report({ measure: "  + scrypt hashPassword (per registration)", value: p50p95(await percentiles(5, () => hashPassword("bench-password-123"))), detail: "p50/p95 of 5" });
  if (existsSync(new URL("../netlify/functions/auth-register.ts", import.meta.url))) {
    const register = ((await import("../netlify/functions/auth-register")) as { default: Handler }).default;
    const full = await percentiles(5, async (i) => {
      const body = JSON.stringify({ email: `bench-register-${i}@example.test`, password: "bench-password-123", firstName: "Bench", lastName: "Register", country: "MX", sponsorCode: code(deepSponsor) });
      const response = await register(new Request("http://bench.local/api/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body }));
      if (response.status !== 201) throw new Error(`register: ${response.status} ${await response.text()}`);
    });
    report({ measure: "  full POST /api/auth/register (handler)", value: p50p95(full), detail: "p50/p95 of 5" });
  }

  // A 1% overlay: members who joined since the last renumbering (in the last hour, so after every
  // numbered member), under random sponsors.
  const overlayShape = new Int32Array(MEMBERS / 100).fill(-1);
  const joinedFrom = Date.now() - 3_600_000;
  const added = await timed(() =>
    insertTree(db, { anchorId: () => ids[Math.floor(random() * MEMBERS)]!, parents: overlayShape, enrolledAt: (i) => new Date(joinedFrom + (i * 3_600_000) / overlayShape.length) }),
  );
  report({ measure: `${overlayShape.length.toLocaleString("en")} signups after the renumbering (1% overlay)`, value: ms(added.ms) });
  await db.execute(sql`analyze tree_overlay`);
  await readAll(", 1% overlay");
  report({ measure: "renumber with a 1% overlay (the hourly run)", value: ms((await timed(() => renumberTree(db))).ms) });

  // A move of a 10,000-member subtree under the deepest member outside it (parents precede
  // children, so one pass marks the subtree).
  let mover = 0;
  for (let i = 0; i < MEMBERS; i += 1) if (Math.abs(facts.sizes[i]! - 10_000) < Math.abs(facts.sizes[mover]! - 10_000)) mover = i;
  const inside = new Uint8Array(MEMBERS);
  let target = -1;
  for (let i = 0; i < MEMBERS; i += 1) {
    inside[i] = i === mover || (shape[i]! >= 0 && inside[shape[i]!] === 1) ? 1 : 0;
    if (!inside[i] && (target < 0 || facts.depths[i]! > facts.depths[target]!)) target = i;
  }
  const [admin] = await query<{ id: number }>(db, sql`select id from member where email = 'admin@nnprotect.local'`);
  const moved = await timed(() => moveMember(db, { actorId: admin!.id, memberCode: code(mover), newSponsorCode: code(target) }));
  report({ measure: `move a ${facts.sizes[mover]!.toLocaleString("en")}-member subtree ${facts.depths[target]} levels deep`, value: ms(moved.ms), detail: "one transaction, audited" });
  const rebuilt = await timed(() => buildUplineBlocks(db, { budgetMs: Infinity }));
  report({ measure: "build the upline blocks the move dropped", value: ms(rebuilt.ms), detail: `${rebuilt.result.built.toLocaleString("en")} blocks` });
  report({ measure: "load average at end (2 cores)", value: loadavg().map((load) => load.toFixed(1)).join(" ") });
}

/** The level below `top` with the most members (parents precede children in `parents`, so one pass marks the subtree). */
function widestLevelBelow(parents: Int32Array, depths: ArrayLike<number>, top: number): number {
  const inside = new Uint8Array(parents.length);
  const widths = new Map<number, number>();
  inside[top] = 1;
  for (let i = top + 1; i < parents.length; i += 1) {
    if (parents[i]! < 0 || inside[parents[i]!] !== 1) continue;
    inside[i] = 1;
    const level = depths[i]! - depths[top]!;
    widths.set(level, (widths.get(level) ?? 0) + 1);
  }
  return [...widths].reduce((best, entry) => (entry[1] > best[1] ? entry : best), [0, 0])[0];
}
