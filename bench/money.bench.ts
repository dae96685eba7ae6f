import { sql } from "drizzle-orm";
import withdrawalFunction from "../netlify/functions/wallet-withdrawal-create";
import { UNUSABLE_PASSWORD_HASH } from "../src/auth/password";
import { issueAccessToken } from "../src/auth/tokens";
import { resetEnv } from "../src/config/env";
import { closeDatabase, database, query, type Database } from "../src/db/client";
import { findLedgerViolations } from "../src/ledger/invariants";
import { runPayouts, type PayoutRun } from "../src/payouts/payouts";
import { addBankAccount } from "../src/wallet/bank-accounts";
import type { BenchContext } from "./lib/context";
import { fromClients, ms } from "./lib/context";

// The money core under load: commission lines posted to wallets by the payouts job as its
// scheduled invocations would (each within Netlify's 30 s): a first payout to 200,000 receivers,
// a 1,000,000-line monthly close, 100,000 scattered instant bonuses; then 1,000 withdrawal
// requests from 50 concurrent clients through the real handler. Invariants checked after each.

export const name = "money";

const RECEIVERS = 200_000;
const LINES = 1_000_000;
/** Lines per receiver in a row, as a monthly close writes them (unilevel levels, matching, car). */
const CLOSE_RUN = 5;
const SCATTERED_LINES = 100_000;
const CLIENTS = 50;
const REQUESTS = 1_000;

export async function run(ctx: BenchContext): Promise<void> {
  const receivers = await insertMembers(ctx.db, RECEIVERS);
  // Every receiver's first payout opens their three accounts: measured apart from the steady state.
  await insertLines(ctx.db, receivers, RECEIVERS, 1, "first");
  await report(ctx, "payouts: 200,000 lines, first payout of 200,000 receivers (opens 600,000 accounts)", await payAll(ctx.db), RECEIVERS);
  await insertLines(ctx.db, receivers, LINES, CLOSE_RUN, "close");
  await report(ctx, "payouts: 1,000,000 lines, 5 per receiver in a row (a monthly close)", await payAll(ctx.db), LINES);
  await insertLines(ctx.db, receivers, SCATTERED_LINES, 1, "instant");
  await report(ctx, "payouts: 100,000 lines, each to another receiver (instant bonuses)", await payAll(ctx.db), SCATTERED_LINES);
  ctx.report({ measure: "ledger invariant violations after payouts", value: String((await findLedgerViolations(ctx.db)).length) });

  // One connection per concurrent client, as 50 function instances would each hold one.
  process.env.DATABASE_POOL_MAX = String(CLIENTS + 5);
  resetEnv();
  await closeDatabase();
  try {
    await withdrawals(ctx, await database());
  } finally {
    delete process.env.DATABASE_POOL_MAX;
    resetEnv();
  }
}

async function insertMembers(db: Database, count: number): Promise<{ first: number; count: number }> {
  const [range] = await query<{ first: number }>(
    db,
    sql`with root as (select id from member where depth = 0),
        ids as (select nextval(pg_get_serial_sequence('member', 'id'))::int as id, g from generate_series(1, ${count}) g),
        inserted as (
          insert into member (id, member_code, email, password_hash, first_name, last_name, country, sponsor_id, depth, path, enrolled_at)
          select ids.id, 'BM' || ids.id, 'bench-money-' || ids.id || '@example.test', ${UNUSABLE_PASSWORD_HASH}, 'Bench', 'M' || ids.id,
                 (array['MX','US','CO'])[1 + ids.g % 3], root.id, 1, array[root.id, ids.id], now()
          from ids, root
          returning id)
        select min(id) as first from inserted`,
  );
  return { first: range!.first, count };
}

/** Pending lines payable now; one in a hundred negative (a refund's share of a closed period). */
async function insertLines(db: Database, receivers: { first: number; count: number }, count: number, run: number, tag: string): Promise<void> {
  await db.execute(sql`
    insert into commission_line (natural_key, receiver_id, bonus_type, period, level, origin_amount, origin_currency, rate, amount, currency, payable_at, created_at)
    select 'bench:' || ${tag} || ':' || g, m.id, 'unilevel', '2025-05', 1 + g % 9, l.amount, c.currency, 1, l.amount, c.currency, now() - interval '1 hour', now()
    from generate_series(0, ${count - 1}) g
    join member m on m.id = ${receivers.first} + ((g / ${run}) * 7919) % ${receivers.count}
    join country c on c.code = m.country
    cross join lateral (select (case when g % 100 = 99 then -1 else 1 end) * (1 + (g * 37) % 50000) / 100.0
                               * (case c.currency when 'COP' then 200 else 1 end) as amount) l`);
  // Fresh statistics, as autovacuum keeps them in production (it is off on the bench server).
  await db.execute(sql`analyze member, commission_line, ledger_account`);
}

/** Invokes the job until done, as consecutive scheduled invocations would. */
async function payAll(db: Database): Promise<{ ms: number; runs: PayoutRun[] }> {
  const started = performance.now();
  const runs: PayoutRun[] = [];
  do runs.push(await runPayouts(db));
  while (!runs.at(-1)!.done);
  return { ms: performance.now() - started, runs };
}

async function report(ctx: BenchContext, measure: string, result: { ms: number; runs: PayoutRun[] }, lines: number): Promise<void> {
  const posted = result.runs.reduce((sum, run) => sum + run.lines, 0);
  const transactions = result.runs.reduce((sum, run) => sum + run.transactions, 0);
  const longest = Math.max(...result.runs.map((run) => run.elapsedMs));
  ctx.report({
    measure,
    value: `${Math.round(posted / (result.ms / 1000)).toLocaleString("en-US")} lines/s`,
    detail: `${posted} of ${lines} lines, ${transactions} ledger transactions, ${result.runs.length} invocations (longest ${ms(longest)}), ${ms(result.ms)} in all`,
  });
}

async function withdrawals(ctx: BenchContext, db: Database): Promise<void> {
  // 1,000 MX members with money (paid above) and a bank account: one request each (one open withdrawal per member).
  const members = await query<{ id: number }>(
    db,
    sql`select a.member_id as id from ledger_account a join member m on m.id = a.member_id
        where a.kind = 'member_available' and a.currency = 'MXN' and a.balance >= 1000 order by a.member_id limit ${REQUESTS}`,
  );
  const clients = await Promise.all(
    members.map(async ({ id }) => {
      const bank = await addBankAccount(db, id, { country: "MX", bankName: "BBVA", holderName: "Bench", clabe: "002010077777777771" });
      return { token: await issueAccessToken({ memberId: id, role: "member" }), bankAccountId: bank.id };
    }),
  );
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const started = performance.now();
  await fromClients(CLIENTS, clients.length, async (i) => {
    const client = clients[i]!;
    const begun = performance.now();
    const response = await withdrawalFunction(
      new Request("http://localhost/api/wallet/withdrawals", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${client.token}`, "idempotency-key": `bench-${i}` },
        body: JSON.stringify({ amount: { amount: "600.00", currency: "MXN" }, bankAccountId: client.bankAccountId }),
      }),
    );
    await response.text();
    latencies.push(performance.now() - begun);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  });
  const total = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  const outcome = [...statuses].map(([status, count]) => `${count} x ${status}`).join(", ");
  ctx.report({ measure: `withdrawals: ${clients.length} requests, ${CLIENTS} concurrent clients, p50`, value: ms(at(0.5)) });
  ctx.report({ measure: "withdrawals: p95", value: ms(at(0.95)), detail: `p99 ${ms(at(0.99))}; ${Math.round(clients.length / (total / 1000))} requests/s; ${outcome}` });
  ctx.report({ measure: "ledger invariant violations after withdrawals", value: String((await findLedgerViolations(db)).length) });
}
