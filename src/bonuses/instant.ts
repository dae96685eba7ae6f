import { sql, type SQL } from "drizzle-orm";
import { textArray } from "../db/arrays";
import { query, type Database } from "../db/client";
import { payableAfterHold, type NewCommissionLine } from "../commissions/create";
import { Dec } from "../money/decimal";
import { rateInForce } from "../money/exchange";
import type { Plan } from "../plan/plan";
import type { PaidOrder } from "./paid-order";

// The instant bonuses of a paid order (SPEC.md section 6, bonuses 1 and 2), as pending commission
// lines payable after the hold. Both go up the genealogy by level, rank-free; a level with no
// member (the chain reaches the company root) is paid to nobody.

export interface UplineMember {
  id: number;
  level: number;
  currency: string;
  /** From the order's currency to the member's, in force at the confirmation (null: none, or the same currency). */
  rate: string | null;
}

/** The levels that pay a bonus, from the plan (direct: 1; fast start: 1-3). */
function paidLevels(plan: Plan, bonus: "direct" | "fast_start"): { level: number; percent: Dec }[] {
  const levels = [];
  for (let level = 1; ; level += 1) {
    const percent = plan.instantPercent(bonus, level);
    if (!percent) return levels;
    levels.push({ level, percent });
  }
}

/** The levels the order pays: direct ones when it has VN, fast-start ones when it holds a kit. */
function levelsOf(plan: Plan, order: PaidOrder) {
  const direct = order.vn.gt(0) ? paidLevels(plan, "direct") : [];
  const fastStart = order.lines.some((line) => line.kind === "kit") ? paidLevels(plan, "fast_start") : [];
  return { direct, fastStart, deepest: Math.max(0, ...[...direct, ...fastStart].map((rate) => rate.level)) };
}

/**
 * The ancestors of the order's buyer that its instant bonuses can reach (the company root is the
 * company: it earns nothing), with their currency and its rate, as a JSON array expression: the
 * confirmation reads it in its own update of the order (one round trip fewer).
 */
export function earningUpline(plan: Plan, order: PaidOrder): SQL {
  const levels = levelsOf(plan, order).deepest;
  if (levels === 0) return sql`'[]'::json`;
  return sql`(select coalesce(json_agg(u), '[]'::json) from (
      select a.id, b.depth - a.depth as level, trim(c.currency) as currency,
             case when c.currency <> ${order.currency} then ${rateInForce(sql`${order.currency}`, sql`c.currency`, order.confirmedAt)}::text end as rate
      from member b
      join member a on a.id = any(b.path[greatest(1, b.depth + 1 - ${levels}) : b.depth])
      join country c on c.code = a.country
      where b.id = ${order.memberId} and a.sponsor_id is not null) u)`;
}

/**
 * Direct: each direct level's percent of the order's product VN, in the order's currency,
 * converted to the receiver's. Fast start: for a kit, each fast-start level's percent of that
 * kit's own price in the receiver's currency (a price, not a conversion); only where the kit has
 * no price in that currency does it fall back to the order's price, converted. `upline`: as
 * earningUpline read it.
 */
export async function instantBonusLines(db: Database, plan: Plan, order: PaidOrder, upline: UplineMember[]): Promise<NewCommissionLine[]> {
  const { direct, fastStart } = levelsOf(plan, order);
  const kits = order.lines.filter((line) => line.kind === "kit");
  const at = (level: number) => upline.find((member) => member.level === level);
  const common = { sourceMemberId: order.memberId, orderId: order.id, period: order.period, payableAt: payableAfterHold(plan, order.confirmedAt) };
  const lines: NewCommissionLine[] = [];
  for (const { level, percent } of direct) {
    const receiver = at(level);
    if (!receiver) continue;
    lines.push({ ...common, key: `direct:order:${order.id}:level:${level}`, receiverId: receiver.id, bonusType: "direct", level, originAmount: order.vn.times(percent).dividedBy(100), originCurrency: order.currency, ...paidTo(receiver, order.currency) });
  }
  const prices = await kitPrices(db, kits.map((kit) => kit.sku));
  for (const { level, percent } of fastStart) {
    const receiver = at(level);
    if (!receiver) continue;
    const ownPrices = kits.map((kit) => prices.get(`${kit.sku}:${receiver.currency}`));
    const priced = ownPrices.every((price) => price !== undefined)
      ? { currency: receiver.currency, base: kits.reduce((sum, kit, i) => sum.plus(ownPrices[i]!.times(kit.quantity)), new Dec(0)) }
      : { currency: order.currency, base: kits.reduce((sum, kit) => sum.plus(kit.unitPrice.times(kit.quantity)), new Dec(0)) };
    lines.push({
      ...common,
      key: `fast_start:order:${order.id}:level:${level}`,
      receiverId: receiver.id,
      bonusType: "fast_start",
      level,
      originAmount: priced.base.times(percent).dividedBy(100),
      originCurrency: priced.currency,
      ...paidTo(receiver, priced.currency),
    });
  }
  return lines;
}

/** The receiver's currency and, for a line in another currency, the rate the upline read (none in force: left to createCommissionLines, which refuses). */
function paidTo(receiver: UplineMember, originCurrency: string): Pick<NewCommissionLine, "receiverCurrency" | "originRate"> {
  const rate = originCurrency !== receiver.currency && receiver.rate !== null ? new Dec(receiver.rate) : undefined;
  return { receiverCurrency: receiver.currency, originRate: rate };
}

async function kitPrices(db: Database, skus: string[]): Promise<Map<string, Dec>> {
  if (skus.length === 0) return new Map();
  const rows = await query<{ sku: string; currency: string; price: string }>(
    db,
    sql`select sku, currency, price::text from product_price where sku = any(${textArray(skus)})`,
  );
  return new Map(rows.map((row) => [`${row.sku}:${row.currency}`, new Dec(row.price)]));
}
