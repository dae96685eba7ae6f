import { Worker } from "node:worker_threads";
import { eq, sql } from "drizzle-orm";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import Stripe from "stripe";
import stripeWebhook from "../netlify/functions/stripe-webhook";
import { resetEnv } from "../src/config/env";
import { connect, query, type Database } from "../src/db/client";
import { memberTable } from "../src/members/members.sql";
import { createOrder } from "../src/orders/create-order";
import { orderTable } from "../src/orders/orders.sql";
import { toMinorUnits } from "../src/payments/intents";
import { resetStripe } from "../src/payments/stripe";
import { receiveStripeEvent } from "../src/payments/webhook";
import { periodOf } from "../src/periods/calendar";
import { foldPending, foldVolumes } from "../src/volumes/fold";
import { fromClients, ms, p50p95, percentiles, timed, type BenchContext } from "./lib/context";
import { insertTree, PRODUCTION_LIKE, randomTreeShape, seededRandom } from "./lib/tree-data";
import { depthPercentiles, seedVolumes, shapeFacts } from "./lib/tree-stats";

// Payment confirmation through the Stripe webhook on the 1,000,000-member tree (issue 4, decision
// 007): latency for a buyer 2,000 levels deep, and throughput of concurrent confirmations spread over
// the tree, with deadlocks counted and a PVG read timed from another thread while they run.

export const name = "orders";

const MEMBERS = 1_000_000;
const DEEP = 2_000;
const LATENCY_EVENTS = 200;
const CONFIRMATIONS = 1_000;
/** Confirmations on the clients' new connections before the measured ones: 10 per connection. */
const WARMUP = 200;
const CLIENTS = 20;
const SECRET = "whsec_bench";
const STRIPE_URL = "http://stripe.bench";

export async function run({ db, report, reuse }: BenchContext): Promise<void> {
  const period = periodOf(new Date());
  if (reuse) {
    const [built] = await query<{ deep: number | null; ids: number[] }>(
      db,
      sql`select (select id from member where depth = ${DEEP} limit 1) as deep, array(select id from member where path is not null order by id) as ids`,
    );
    if (built!.deep !== null && built!.ids.length > MEMBERS) {
      const random = seededRandom(44);
      report({ measure: "reused the tree of the last run", value: `${built!.ids.length} members`, detail: "its volumes and dead rows as that run left them: quote fresh runs only" });
      const spread = Array.from({ length: WARMUP + CONFIRMATIONS }, () => built!.ids[Math.floor(random() * built!.ids.length)]!);
      return measureConfirmations(db, report, period, { deep: built!.deep, spread });
    }
  }
  const [root] = await db.select({ id: memberTable.id }).from(memberTable).where(eq(memberTable.memberCode, process.env.SEED_ROOT_CODE ?? "NNPROTECT"));
  const parents = randomTreeShape(MEMBERS, { seed: 4, ...PRODUCTION_LIKE });
  const facts = shapeFacts(parents);
  const built = await timed(() => insertTree(db, { anchorId: root!.id, parents }));
  const ids = built.result;
  report({ measure: "1M-member tree inserted", value: ms(built.ms), detail: `depth ${depthPercentiles(facts.depths)}` });
  await seedVolumes(db, { period, anchorId: root!.id, ids, parents, activeShare: 0.3, seed: 4 });
  await settleCareerRanks(db, period);
  await db.execute(sql`analyze`);
  // The bulk load's dirty pages written now, not by a checkpoint spread over the measurements.
  await db.execute(sql`checkpoint`);

  const random = seededRandom(44);
  const buyers = { deep: ids[facts.depths.findIndex((depth) => depth === DEEP)]!, spread: Array.from({ length: WARMUP + CONFIRMATIONS }, () => ids[Math.floor(random() * ids.length)]!) };
  await measureConfirmations(db, report, period, buyers);
}

/** The figures, on a database that holds the tree and its volumes (`spread`: WARMUP + CONFIRMATIONS buyers). */
async function measureConfirmations(db: Database, report: BenchContext["report"], period: string, buyers: { deep: number; spread: number[] }): Promise<void> {
  process.env.STRIPE_WEBHOOK_SECRET = SECRET;
  process.env.STRIPE_API_URL = STRIPE_URL;
  resetEnv();
  resetStripe();
  const deepOrders = await pendingOrders(db, Array(LATENCY_EVENTS).fill(buyers.deep));
  const warmupOrders = await pendingOrders(db, buyers.spread.slice(0, WARMUP));
  const spreadOrders = await pendingOrders(db, buyers.spread.slice(WARMUP));

  // Stripe as the webhook may call it (a PaymentIntent retrieve), answered in-process.
  const stripeApi = setupServer(
    http.get(`${STRIPE_URL}/v1/payment_intents/:id`, ({ params }) => HttpResponse.json({ id: params.id, object: "payment_intent", status: "succeeded", metadata: {} })),
  );
  stripeApi.listen({ onUnhandledRequest: "error" });
  try {
    // The handler as Netlify runs it: the fold it leaves for after the response runs on meanwhile.
    const afterResponse: Promise<unknown>[] = [];
    const context = { params: {}, waitUntil: (promise: Promise<unknown>) => afterResponse.push(promise) };
    const latency = await percentiles(LATENCY_EVENTS, async (i) => {
      const rawBody = deepOrders[i]!;
      const response = await stripeWebhook(new Request("http://localhost/api/webhooks/stripe", { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signatureOf(rawBody) }, body: rawBody }), context);
      if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
    });
    const drained = await timed(() => Promise.all(afterResponse));
    report({ measure: `webhook confirmation, buyer ${DEEP} levels deep, p50 / p95`, value: p50p95(latency), detail: `${LATENCY_EVENTS} signed events, target p95 <= 50 ms` });
    report({ measure: "... its volume folded into the 2,000 ancestors", value: ms(await foldOnce(db, deepOrders[0]!)), detail: `one event alone; the ${LATENCY_EVENTS} above were folded in batches, done ${ms(drained.ms)} after the last answer` });

    // Each client with its own connection, as each concurrent function instance has its own: the
    // same core the webhook handler calls, on a pool as large as the clients (the shared one has 10),
    // plus one for the fold, which holds its connection while it gathers (decision 010) as an
    // instance's fold holds one of that instance's own.
    const pool = await connect(process.env.DATABASE_URL, { poolMax: CLIENTS + 1 });
    // First from cold connections (a new backend loads its catalog caches and plans each statement
    // afresh for its first runs), then, on the same connections, the measured 1,000: the steady
    // state of instances that keep confirming.
    const deadlocksBefore = await deadlocks(db);
    const cold = await confirmConcurrently(pool.db, warmupOrders);
    const reader = startPvgReader(process.env.DATABASE_URL!, period, buyers.spread.slice(0, 500));
    const warm = await confirmConcurrently(pool.db, spreadOrders);
    const reads = await reader.stop();
    await pool.close();
    const failures = [...cold.failures, ...warm.failures];
    const rate = (orders: string[], run: { answeredMs: number }) => `${((orders.length / run.answeredMs) * 1000).toFixed(0)}/s`;
    report({ measure: `confirmations/s, ${CLIENTS} concurrent clients`, value: rate(spreadOrders, warm), detail: `${spreadOrders.length} spread over the tree answered in ${ms(warm.answeredMs)}, all folded into their uplines at ${ms(warm.foldedMs)}; target >= 300/s` });
    report({ measure: "... the first confirmations, on new connections", value: rate(warmupOrders, cold), detail: `${warmupOrders.length} before the 1,000 above, on the same connections while they were new` });
    report({ measure: "deadlocks / failed confirmations", value: `${(await deadlocks(db)) - deadlocksBefore} / ${failures.length}`, detail: failures.length ? failures.slice(0, 5).join(", ") : "target 0" });
    report({ measure: "PVG read (primary key) during confirmations, p50 / p95", value: p50p95(reads), detail: `${reads.count} reads from another thread; target p95 <= 5 ms` });
  } finally {
    stripeApi.close();
  }
}

/**
 * Confirms these events from CLIENTS concurrent clients, each folding after its answer as the
 * webhook function does: how long until the last answer, and until everything was folded.
 */
async function confirmConcurrently(db: Database, events: string[]): Promise<{ answeredMs: number; foldedMs: number; failures: string[] }> {
  const failures: string[] = [];
  const folds: Promise<unknown>[] = [];
  const started = performance.now();
  await fromClients(CLIENTS, events.length, async (i) => {
    const rawBody = events[i]!;
    const result = await receiveStripeEvent(db, rawBody, signatureOf(rawBody)).catch((error: unknown) => failures.push(errorCode(error)));
    if (typeof result === "object" && result.outcome !== "applied") failures.push(result.outcome);
    // What the webhook function leaves for after its answer.
    folds.push(foldVolumes(db).catch((error: unknown) => failures.push(errorCode(error))));
  });
  const answeredMs = performance.now() - started;
  await Promise.all(folds);
  return { answeredMs, foldedMs: performance.now() - started, failures };
}

/** How long the fold of one pending event of this (already confirmed) order takes: added, timed, rolled back. */
async function foldOnce(db: Database, rawBody: string): Promise<number> {
  const orderId = Number((JSON.parse(rawBody) as { data: { object: { metadata: { orderId: string } } } }).data.object.metadata.orderId);
  const rollback = new Error("rollback");
  let took = 0;
  await db
    .transaction(async (tx) => {
      await tx.execute(sql`insert into volume_event (period, member_id, order_id, pv, at) select period, member_id, id, pv, now() from orders where id = ${orderId}`);
      const started = performance.now();
      await foldPending(tx);
      took = performance.now() - started;
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  return took;
}

/** Career ranks consistent with the seeded volumes, as if those members had been confirmed one by one. */
async function settleCareerRanks(db: Database, period: string): Promise<void> {
  await db.execute(sql`
    update member m set career_rank = q.code
    from (select distinct on (v.member_id) v.member_id, r.code from member_volume v
          join rank r on v.pv >= r.min_pv and v.pvg >= r.min_pvg
          where v.period = ${period} order by v.member_id, r.position desc) q
    where m.id = q.member_id`);
}

/** Pending card orders (one product each) for these buyers, and the body of the success event Stripe would send for each. */
async function pendingOrders(db: Database, buyers: number[]): Promise<string[]> {
  const bodies: string[] = [];
  for (const memberId of buyers) {
    const orderId = await db.transaction((tx) => createOrder(tx, { memberId, memberCode: "BENCH", inNetwork: true }, { items: [{ sku: "NN-P04", quantity: 1 }], paymentMethod: "card", useCashback: false }));
    const [order] = await db.update(orderTable).set({ paymentIntentId: `pi_bench_${orderId}` }).where(eq(orderTable.id, orderId)).returning({ total: orderTable.total, currency: orderTable.currency });
    const intent = { id: `pi_bench_${orderId}`, object: "payment_intent", amount_received: toMinorUnits(order!.total, 2), currency: order!.currency.toLowerCase(), metadata: { orderId: String(orderId) }, status: "succeeded" };
    bodies.push(JSON.stringify({ id: `evt_bench_${orderId}`, object: "event", type: "payment_intent.succeeded", created: Math.floor(Date.now() / 1000), data: { object: intent } }));
  }
  return bodies;
}

/** Signed as Stripe signs a delivery, at delivery time (the webhook refuses signatures older than 300 s). */
const signatureOf = (rawBody: string) => Stripe.webhooks.generateTestHeaderString({ payload: rawBody, secret: SECRET });

async function deadlocks(db: Database): Promise<number> {
  await db.execute(sql`select pg_stat_force_next_flush()`);
  const [row] = await query<{ deadlocks: string }>(db, sql`select deadlocks::text from pg_stat_database where datname = current_database()`);
  return Number(row!.deadlocks);
}

function errorCode(error: unknown): string {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: string }).code;
    if (code) return code === "40P01" ? "deadlock" : code;
  }
  return String(error);
}

/**
 * Primary-key reads of member_volume in a loop on a worker thread with its own connection (so the
 * figure is the database's, not this process's busy event loop), until stopped.
 */
function startPvgReader(url: string, period: string, memberIds: number[]) {
  const worker = new Worker(
    `const { workerData, parentPort } = require("node:worker_threads");
     const { Client } = require("pg");
     (async () => {
       const client = new Client({ connectionString: workerData.url });
       await client.connect();
       const times = [];
       let stop = false;
       parentPort.on("message", () => (stop = true));
       for (let i = 0; !stop; i += 1) {
         const started = performance.now();
         await client.query({ name: "pvg", text: "select pvg from member_volume where period = $1 and member_id = $2", values: [workerData.period, workerData.ids[i % workerData.ids.length]] });
         times.push(performance.now() - started);
         await new Promise((resolve) => setTimeout(resolve, 2));
       }
       await client.end();
       times.sort((a, b) => a - b);
       const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
       parentPort.postMessage({ p50: at(0.5), p95: at(0.95), count: times.length });
     })();`,
    { eval: true, workerData: { url, period, ids: memberIds } },
  );
  return {
    stop: () =>
      new Promise<{ p50: number; p95: number; count: number }>((resolve, reject) => {
        // Then ended: its message listener would keep the process alive.
        worker.once("message", (figures: { p50: number; p95: number; count: number }) => void worker.terminate().then(() => resolve(figures)));
        worker.once("error", reject);
        worker.postMessage("stop");
      }),
  };
}
