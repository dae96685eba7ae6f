import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { confirmPayment } from "../../src/confirmation/confirm-payment";
import { applyRefund } from "../../src/confirmation/refund";
import { foldVolumes } from "../../src/volumes/fold";
import { database, query } from "../../src/db/client";
import { lockMemberAccount } from "../../src/ledger/accounts";
import { Dec } from "../../src/money/decimal";
import { runPayouts } from "../../src/payouts/payouts";
import { createMember, type TestMember } from "../support/fixtures";
import { confirmOrder, createPendingOrder, mexicoCity, refundOrder, volumeOf, type TestOrder } from "../support/orders";

const PERIOD = "2026-04";
const PAID_AT = mexicoCity("2026-04-10T12:00:00");

afterAll(() => {
  delete process.env.APP_NOW;
});

const PRODUCTS = ["NN-P04", "NN-P12", "NN-P13", "NN-P18"];

describe("confirmations, refunds and payouts racing in one subtree", () => {
  it("neither deadlock nor lose an update: volumes, bonus lines and wallets add up afterwards", async () => {
    // A small deep-and-wide tree: every confirmation shares the top of it.
    const members: TestMember[] = [await createMember({ country: "MX" })];
    for (let i = 1; i < 16; i += 1) members.push(await createMember({ sponsorCode: members[Math.floor((i - 1) / 2)]!.memberCode, country: (["MX", "US", "CO"] as const)[i % 3] }));
    const kits = await Promise.all(members.slice(1).map((member, i) => createPendingOrder(member.id, [{ sku: i % 2 ? "NN-KIT-SKIN" : "NN-KIT-PROTECT" }])));
    const products = await Promise.all(members.flatMap((member, i) => [0, 1].map((j) => createPendingOrder(member.id, [{ sku: PRODUCTS[(i + j) % 4]!, quantity: 1 + ((i * 7 + j) % 5) }]))));

    // Phase 1: every kit and half the product orders, all at once.
    const firstWave = [...kits, ...products.filter((_, i) => i % 2 === 0)];
    expect(await Promise.all(firstWave.map((order) => confirmOrder(order.id, PAID_AT)))).toEqual(firstWave.map(() => "confirmed"));

    // Phase 2, after the hold: refunds of part of the first wave, the other product orders, wallet
    // checkouts and two payout runs, together.
    process.env.APP_NOW = mexicoCity("2026-04-20T12:00:00").toISOString();
    const db = await database();
    const refunds: { order: TestOrder; refunded: Dec }[] = firstWave
      .filter((_, i) => i % 3 !== 2)
      .map((order, i) => ({ order, refunded: i % 2 ? new Dec(order.total) : new Dec(order.total).dividedBy(3).toDecimalPlaces(2) }));
    const secondWave = products.filter((_, i) => i % 2 === 1);
    // A wallet checkout's shape: create and confirm (volume and member locks), then the buyer's
    // ledger accounts, in one transaction; its buyers are receivers the refunds claw back from.
    const walletCheckout = async (member: TestMember) => {
      await db.transaction(async (tx) => {
        const order = await createPendingOrder(member.id, [{ sku: "NN-P18" }], { db: tx });
        await confirmPayment(tx, { orderId: order.id, confirmedAt: mexicoCity("2026-04-20T12:00:00") });
        await lockMemberAccount(tx, { memberId: member.id, currency: order.currency });
      });
      await foldVolumes(db);
    };
    await Promise.all([
      ...members.slice(0, 7).map(walletCheckout),
      ...refunds.map(({ order, refunded }) => refundOrder(order.id, refunded, mexicoCity("2026-04-20T12:00:00"), `re_${order.id}`)),
      ...secondWave.map((order) => confirmOrder(order.id, mexicoCity("2026-04-20T12:00:00"))),
      runPayouts(db, { batchSize: 7 }),
      runPayouts(db, { batchSize: 5 }),
    ]);

    // Every caller folded after its commit: nothing is left pending.
    const [pending] = await query<{ count: number }>(db, sql`select count(*)::int as count from volume_event`);
    expect(pending!.count).toBe(0);
    // PV: each member's confirmed PV less the refunded shares; PVG: the sum of PV in their subtree.
    const [volumes] = await query<{ wrongPv: number; wrongPvg: number }>(
      db,
      sql`with expected as (
            select o.member_id, sum(o.pv - round(o.pv * o.refunded_amount / o.total, 2)) as pv from orders o where o.period = ${PERIOD} group by o.member_id
          )
          select count(*) filter (where v.pv <> coalesce(e.pv, 0))::int as "wrongPv",
                 count(*) filter (where v.pvg <> (select coalesce(sum(e2.pv), 0) from expected e2 join member d on d.id = e2.member_id where v.member_id = any(d.path)))::int as "wrongPvg"
          from member_volume v left join expected e on e.member_id = v.member_id where v.period = ${PERIOD}`,
    );
    expect(volumes).toEqual({ wrongPv: 0, wrongPvg: 0 });

    // Instant lines: exactly the refunded share of each is revoked.
    const [lines] = await query<{ lines: number; wrong: number }>(
      db,
      sql`select count(*)::int as lines, count(*) filter (where l.revoked_amount <> round(l.amount * o.refunded_amount / o.total, 2))::int as wrong
          from commission_line l join orders o on o.id = l.order_id where l.bonus_type in ('direct', 'fast_start')`,
    );
    expect(lines!.lines).toBeGreaterThan(20);
    expect(lines!.wrong).toBe(0);

    // Wallets: what reached each member is what was paid less what was taken back (no withdrawals here).
    await runPayouts(db);
    const [wallets] = await query<{ wrong: number }>(
      db,
      sql`with owed as (
            select receiver_id, currency, sum(amount - revoked_amount) as net from commission_line where status in ('paid', 'reversed') group by receiver_id, currency
          )
          select count(*)::int as wrong from owed
          where owed.net <> (select coalesce(sum(a.balance), 0) from ledger_account a
                             where a.member_id = owed.receiver_id and a.currency = owed.currency and a.kind in ('member_available', 'member_receivable'))`,
    );
    expect(wallets!.wrong).toBe(0);
  });

  it("a checkout that creates and confirms in one transaction races with downline confirmations promoting its buyer", async () => {
    // The wallet checkout's shape: the new order row (a KEY SHARE lock on the buyer's member row)
    // comes before the volume rows, while the downline's confirmations lock the buyer's member row
    // for a promotion after theirs.
    const leader = await createMember();
    await confirmOrder((await createPendingOrder(leader.id, [{ sku: "NN-KIT-PROTECT" }])).id, PAID_AT);
    const builder = await createMember({ sponsorCode: leader.memberCode });
    await confirmOrder((await createPendingOrder(builder.id, [{ sku: "NN-P13", quantity: 39 }])).id, PAID_AT);
    const downline = await Promise.all(Array.from({ length: 6 }, () => createMember({ sponsorCode: leader.memberCode })));
    const orders = await Promise.all(downline.map((member) => createPendingOrder(member.id, [{ sku: "NN-P04" }])));
    const db = await database();
    const checkout = async () => {
      const { outcome } = await db.transaction(async (tx) => {
        const order = await createPendingOrder(leader.id, [{ sku: "NN-P04" }], { db: tx });
        return confirmPayment(tx, { orderId: order.id, confirmedAt: PAID_AT });
      });
      await foldVolumes(db);
      return outcome;
    };
    const outcomes = await Promise.all([checkout(), ...orders.map((order) => confirmOrder(order.id, PAID_AT)), checkout()]);
    expect(outcomes).toEqual(outcomes.map(() => "confirmed"));
    const [leaderRow] = await query<{ careerRank: string; achievements: number }>(
      db,
      sql`select career_rank as "careerRank", (select count(*)::int from commission_line where receiver_id = m.id and bonus_type = 'achievement') as achievements
          from member m where id = ${leader.id}`,
    );
    expect(leaderRow).toEqual({ careerRank: "emprendedor", achievements: 1 });
  });

  it("a refund and its fold never deadlock with a wallet checkout holding the sponsor's volume row (volumes before accounts)", async () => {
    const db = await database();
    const sponsor = await createMember();
    const buyer = await createMember({ sponsorCode: sponsor.memberCode });
    const refunded = await createPendingOrder(buyer.id, [{ sku: "NN-P13", quantity: 2 }]);
    await confirmOrder(refunded.id, PAID_AT);
    process.env.APP_NOW = mexicoCity("2026-04-25T12:00:00").toISOString();
    await runPayouts(db);

    // The sponsor's wallet checkout holds the sponsor's volume row, then wants the sponsor's ledger
    // accounts, while the refund claws back from those accounts and its fold needs that row.
    let volumesHeld!: () => void;
    const holding = new Promise<void>((resolve) => (volumesHeld = resolve));
    let refundCommitted = false;
    const checkout = db.transaction(async (tx) => {
      const order = await createPendingOrder(sponsor.id, [{ sku: "NN-P04" }], { db: tx });
      await confirmPayment(tx, { orderId: order.id, confirmedAt: mexicoCity("2026-04-25T12:00:00") });
      volumesHeld();
      // The refund's fold waits on the sponsor's row; then this takes the accounts the refund used.
      await expect.poll(async () => refundCommitted && (await query<{ waiting: number }>(db, sql`select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0]!.waiting).toBe(1);
      await lockMemberAccount(tx, { memberId: sponsor.id, currency: "MXN" });
    });
    await holding;
    const refund = db
      .transaction((tx) => applyRefund(tx, { orderId: refunded.id, refundedTotal: new Dec(refunded.total), at: mexicoCity("2026-04-25T12:00:00"), key: "re_race" }))
      .then(() => (refundCommitted = true))
      .then(() => foldVolumes(db));
    await Promise.all([checkout, refund]);
    const [line] = await query<{ status: string }>(db, sql`select status from commission_line where order_id = ${refunded.id}`);
    expect(line!.status).toBe("reversed");
    expect((await volumeOf(sponsor.id, "2026-04")).pvg).toBe((await volumeOf(sponsor.id, "2026-04")).pv);
  });
});
