import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import checkoutFn from "../../netlify/functions/checkout";
import stripeWebhook from "../../netlify/functions/stripe-webhook";
import { database, query } from "../../src/db/client";
import { companyAccount, lockMemberAccount } from "../../src/ledger/accounts";
import { postTransaction } from "../../src/ledger/post";
import { Dec } from "../../src/money/decimal";
import { issueAccessToken } from "../../src/auth/tokens";
import type { TestMember } from "../support/fixtures";
import { call } from "../support/http";
import { paymentSucceeded, signed, type EventOptions } from "../mocks/stripe";

// The member's and Stripe's side of a purchase, through the HTTP handlers.

export type Item = { sku: string; quantity: number };

export function checkout(member: TestMember, items: Item[], options: { paymentMethod?: "card" | "wallet"; useCashback?: boolean; key?: string } = {}) {
  return call(checkoutFn, {
    path: "/api/checkout",
    token: member.token,
    headers: options.key ? { "idempotency-key": options.key } : {},
    body: { items, paymentMethod: options.paymentMethod ?? "card", ...(options.useCashback !== undefined && { useCashback: options.useCashback }) },
  });
}

/** Delivers a Stripe event to the webhook, signed as Stripe would sign it. */
export function deliver(event: object, signing: { timestamp?: number; secret?: string } = {}) {
  const { rawBody, headers } = signed(event, signing);
  return call(stripeWebhook, { method: "POST", path: "/api/webhooks/stripe", rawBody, headers });
}

/** Checks out by card and pays: the order as confirmed by the webhook. */
export async function buyByCard(member: TestMember, items: Item[], options: EventOptions & { useCashback?: boolean } = {}): Promise<{ orderId: number; intentId: string }> {
  const res = await checkout(member, items, { useCashback: options.useCashback });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const intentId: string = res.body.payment.paymentIntentId;
  const delivered = await deliver(paymentSucceeded(intentId, options));
  expect(delivered.body.outcome).toBe("applied");
  return { orderId: res.body.order.id, intentId };
}

/** Credits a member's available balance (as a commission payout would). */
export async function fundWallet(memberId: number, currency: string, amount: string): Promise<void> {
  const db = await database();
  await db.transaction(async (tx) => {
    const accounts = await lockMemberAccount(tx, { memberId, currency });
    const expense = await companyAccount(tx, "bonus_expense", currency);
    await postTransaction(tx, {
      key: `test-funding:${randomUUID()}`,
      kind: "commission_payout",
      reference: "Test funding",
      entries: [
        { account: expense, amount: new Dec(amount).negated() },
        { account: accounts.available, amount: new Dec(amount) },
      ],
    });
  });
}

export interface LineRow {
  receiverId: number;
  bonusType: string;
  level: number | null;
  originAmount: string;
  originCurrency: string;
  rate: string;
  amount: string;
  currency: string;
  status: string;
  revokedAmount: string;
}

export async function commissionLinesOf(orderId: number): Promise<LineRow[]> {
  return query<LineRow>(
    await database(),
    sql`select receiver_id as "receiverId", bonus_type as "bonusType", level, origin_amount::text as "originAmount", origin_currency as "originCurrency",
               rate::text as rate, amount::text as amount, currency, status, revoked_amount::text as "revokedAmount"
        from commission_line where order_id = ${orderId} order by bonus_type, level, receiver_id`,
  );
}

export async function volumeOf(memberId: number, period: string): Promise<{ pv: string; pvg: string }> {
  const [row] = await query<{ pv: string; pvg: string }>(await database(), sql`select pv::text, pvg::text from member_volume where period = ${period} and member_id = ${memberId}`);
  return row ?? { pv: "0.00", pvg: "0.00" };
}

export async function orderRow(orderId: number) {
  const [row] = await query<{ status: string; period: string | null; arrivedLate: boolean; refundedAmount: string; disputeStatus: string | null; paymentIntentId: string | null; paymentError: string | null }>(
    await database(),
    sql`select status, period, arrived_late as "arrivedLate", refunded_amount::text as "refundedAmount", dispute_status as "disputeStatus",
               payment_intent_id as "paymentIntentId", payment_error as "paymentError"
        from orders where id = ${orderId}`,
  );
  return row!;
}

export async function stripeEvents(orderId: number) {
  return query<{ id: string; type: string; outcome: string; detail: string | null }>(await database(), sql`select id, type, outcome, detail from stripe_event where order_id = ${orderId} order by received_at, id`);
}

/** Sets the business clock (APP_NOW) for what follows; `undefined` lets it tick again. */
export function setNow(instant: string | undefined): void {
  if (instant === undefined) delete process.env.APP_NOW;
  else process.env.APP_NOW = instant;
}

/** The member with a token issued at the current business clock (one issued before a clock jump has expired). */
export async function reissue(member: TestMember): Promise<TestMember> {
  return { ...member, token: await issueAccessToken({ memberId: member.id, role: "member" }) };
}
