import { sql, type SQL } from "drizzle-orm";
import { achievementLines } from "../bonuses/achievement";
import { createCommissionLines } from "../commissions/create";
import { bigintArray, intArray, numericArray } from "../db/arrays";
import { query, type Database } from "../db/client";
import { getPlan } from "../plan/plan";
import { promoteQualified, type VolumeCause } from "../ranks/promote";
import { careerPositionOf, type VolumeRow } from "./add-volume";

// The fold (docs/decisions/010-volume-fold.md): confirmations and refunds add PV to their buyer's
// own row and append a volume event; the fold adds a batch of events to the PVG of every ancestor
// and to the period's PV by depth, re-evaluates the ranks of the ancestors it raised (achievement
// bonuses), and deletes the events, all in one transaction. So the rows every confirmation would
// otherwise share (the root's, the top leaders') are locked by one fold at a time, for a whole
// batch, instead of by every confirmation until it commits.

/** Events per fold transaction: big enough to share the upline rows, small enough to commit in well under a second. */
const BATCH = 2_000;

const FOLD_LOCK = sql`hashtext('nnp:volume:fold')`;

/**
 * Serialises folds, so a batch is applied once and volume rows have one multi-row locker at a time.
 * Lock order: the fold lock before everything else (tree locks, periods, rows): a move and a close
 * take it first, then fold what is pending inside their own transaction.
 */
export async function lockFold(tx: Database): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${FOLD_LOCK})`);
}

/**
 * Folds every pending event, a batch per transaction, unless another fold is running: then it
 * returns at once, and that fold takes this caller's events. Run after a confirmation or refund
 * commits (after the response: see RequestContext.afterResponse) and by a scheduled sweep.
 *
 * Why no event is left behind: a caller whose event committed finds the lock taken only while a
 * folder holds it; every folder, after releasing the lock on a batch that found nothing left,
 * looks once more and folds again if anything is pending. That look comes after the release, so
 * after the commit of any event whose caller found the lock taken. (A folder that dies leaves
 * its events to the next fold or the sweep.) Stops taking batches once `budgetMs` (default 5 s)
 * has passed.
 *
 * Within one process (a busy function instance, the local server) a caller that finds this
 * process already folding on the same database does not even try the lock: it asks that fold to
 * look again before it ends, and shares its promise.
 */
export function foldVolumes(db: Database, options: { budgetMs?: number } = {}): Promise<{ events: number }> {
  const current = folding.get(db);
  if (current) {
    current.again = true;
    return current.done;
  }
  const budget = { startedAt: Date.now(), ms: options.budgetMs ?? DEFAULT_BUDGET_MS };
  const state = { again: false, done: Promise.resolve({ events: 0 }) };
  state.done = (async () => {
    let events = 0;
    try {
      do events += (await foldUntilEmpty(db, budget, state)).events;
      while (state.again && !spent(budget));
      return { events };
    } finally {
      folding.delete(db);
    }
  })();
  folding.set(db, state);
  return state.done;
}

interface FoldState {
  /** A caller of this process committed events since the current batch was taken. */
  again: boolean;
  done: Promise<{ events: number }>;
}

const folding = new WeakMap<Database, FoldState>();

/**
 * While confirmations keep coming (events arrived during the last batch), a fold takes the lock and
 * waits this long before its next batch. Callers that find the lock taken meanwhile, in this
 * process or any other, leave their events to it, so the batch grows: its events share their
 * upline rows (the top of the tree is everyone's), and a few large batches cost far less than many
 * small ones. Measured on the 1M tree: 1,000 events folded as one batch took 0.36 ms of database
 * CPU each; folded as they came (batches of about 10) about 1 ms each. A lone confirmation is
 * folded at once.
 */
const GATHER_MS = 500;

/**
 * An invocation's fold stops taking batches after this long (the sweep gives its own budget): under
 * a steady load a busy instance would otherwise fold for as long as the load lasts, past its
 * function's time limit. What it leaves goes to the next fold or the sweep.
 */
const DEFAULT_BUDGET_MS = 5_000;

interface Budget {
  startedAt: number;
  ms: number;
}

const spent = (budget: Budget) => Date.now() - budget.startedAt > budget.ms;

async function foldUntilEmpty(db: Database, budget: Budget, state: FoldState): Promise<{ events: number }> {
  let events = 0;
  let gather = false;
  for (;;) {
    state.again = false;
    const folded = await db.transaction(async (tx) => {
      // Nobody waits on this commit's flush: a crash before it leaves the events pending.
      const [lock] = await query<{ taken: boolean }>(tx, sql`select set_config('synchronous_commit', 'off', true), pg_try_advisory_xact_lock(${FOLD_LOCK}) as taken`);
      if (!lock!.taken) return null;
      if (gather) await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
      return foldBatch(tx);
    });
    if (folded === null) return { events };
    events += folded;
    if (spent(budget)) return { events };
    if (folded === 0 && !(await anyPending(db))) return { events };
    gather = folded > 0 && (state.again || (await anyPending(db)));
  }
}

async function anyPending(db: Database): Promise<boolean> {
  const [row] = await query<{ pending: boolean }>(db, sql`select exists (select 1 from volume_event) as pending`);
  return row!.pending;
}

/** Folds every pending event inside the caller's transaction (a move, a close, the demo seed), taking the fold lock first. */
export async function foldPending(tx: Database): Promise<void> {
  await lockFold(tx);
  while ((await foldBatch(tx)) === BATCH);
}

interface PendingEvent {
  /** bigint: a string from the driver. */
  id: string;
  period: string;
}

/** Folds the oldest pending events (at most BATCH) in the caller's transaction, which holds the fold lock. Answers how many. */
async function foldBatch(tx: Database): Promise<number> {
  const batch = await query<PendingEvent>(tx, sql`select id, period from volume_event order by id limit ${BATCH}`);
  if (batch.length === 0) return 0;
  // No period lock: a close takes the fold lock before its period's, so it never runs beside a fold.
  const ids = bigintArray(batch.map((event) => Number(event.id)));
  const periods = [...new Set(batch.map((event) => event.period))].sort();

  const plan = await getPlan(tx);
  const careerFrom = plan.ranks[0]?.minPv;
  const thresholds = numericArray(plan.ranks.map((rank) => rank.minPvg).sort((a, b) => a.comparedTo(b)).map((minPvg) => minPvg.toFixed()));
  // One statement: the upline's PVG (strict ancestors: the buyer's own row has it already) and PV by
  // depth. It answers only the rows that may rise: their PVG crossed a rank's threshold in this batch
  // (every other ancestor qualifies for what it did before, which its career rank already holds:
  // a PV change is graded at its own confirmation) and their PV could qualify (careerPosition not
  // null). So of the thousands of ancestors a batch raises, only those few read their member row.
  const [folded] = await query<{ candidates: (VolumeRow & { period: string })[] }>(
    tx,
    sql`with batch as (
          select e.period, e.pv, b.path, b.depth from volume_event e join member b on b.id = e.member_id where e.id = any(${ids})
        ), by_depth as (
          insert into depth_volume as d (period, depth, pv)
          select period, depth, sum(pv) from batch group by period, depth order by period, depth
          on conflict (period, depth) do update set pv = d.pv + excluded.pv
        ), upline as (
          select batch.period, ancestor.id as member_id, sum(batch.pv) as pv
          from batch cross join lateral unnest(batch.path[1:batch.depth]) as ancestor(id)
          group by batch.period, ancestor.id
        ), upserted as (
          insert into member_volume as v (period, member_id, pv, pvg)
          select period, member_id, 0, pv from upline order by period, member_id
          on conflict (period, member_id) do update set pvg = v.pvg + excluded.pvg
          returning v.period, v.member_id, v.pv, v.pvg
        ), graded as materialized (
          select u.period, u.member_id, u.pv, u.pvg,
                 case when width_bucket(u.pvg, ${thresholds}) > width_bucket(u.pvg - a.pv, ${thresholds}) then ${careerPositionOf(sql`u`, careerFrom)} end as career_position
          from upserted u join upline a on a.period = u.period and a.member_id = u.member_id
        )
        select coalesce(json_agg(json_build_object('period', period, 'memberId', member_id, 'pv', pv::text, 'pvg', pvg::text, 'careerPosition', career_position))
                 filter (where career_position is not null), '[]') as candidates
        from graded`,
  );

  for (const period of periods) {
    const rows = folded!.candidates.filter((row) => row.period === period);
    const promotions = await promoteQualified(tx, plan, rows, (memberIds) => causes(tx, ids, period, memberIds));
    for (const promotion of promotions) await createCommissionLines(tx, await achievementLines(tx, plan, [promotion]), promotion.cause.at);
  }
  await tx.execute(sql`delete from volume_event where id = any(${ids})`);
  return batch.length;
}

/**
 * For each member found rising, the latest order of the batch (in the period, with positive PV)
 * bought below them: by then the volume that qualified them was there.
 */
async function causes(tx: Database, ids: SQL, period: string, memberIds: number[]): Promise<Map<number, VolumeCause>> {
  const rows = await query<VolumeCause & { memberId: number }>(
    tx,
    sql`select distinct on (r.id) r.id as "memberId", e.order_id as "orderId", e.member_id as "buyerId", e.period, e.at
        from member r
        join volume_event e on e.id = any(${ids}) and e.period = ${period} and e.pv > 0
        join member b on b.id = e.member_id and b.depth > r.depth and b.path[r.depth + 1] = r.id
        where r.id = any(${intArray(memberIds)})
        order by r.id, e.at desc, e.id desc`,
  );
  return new Map(rows.map(({ memberId, ...cause }) => [memberId, { ...cause, at: new Date(cause.at) }]));
}
