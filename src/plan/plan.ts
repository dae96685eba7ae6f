import type { Database } from "../db/client";
import { Dec } from "../money/decimal";
import {
  currencyAmountTable,
  instantRateTable,
  planSettingTable,
  rankAmountTable,
  rankLevelRateTable,
  rankTable,
  travelRankPointsTable,
} from "./plan.sql";

/** The level at and beyond which unilevel pays the infinity percentage. */
export const INFINITY_LEVEL = 10;

export interface Rank {
  code: string;
  name: string;
  position: number;
  minPv: Dec;
  minPvg: Dec;
  unilevelLevels: number;
  achievementWindowDays: number | null;
}

export type CurrencyAmountKey =
  | "car_down_payment"
  | "car_monthly"
  | "cashback_base"
  | "withdrawal_minimum"
  | "withdrawal_fee"
  | "withdrawal_daily_limit";

export type SettingKey =
  | "active_min_pv"
  | "instant_hold_days"
  | "matching_min_rank"
  | "car_min_rank"
  | "car_consecutive_periods"
  | "cashback_min_pv"
  | "cashback_percent"
  | "loyalty_last_day"
  | "loyalty_points_per_month"
  | "loyalty_gift_points"
  | "travel_target_points"
  | "withdrawal_review_hours";

/** The compensation plan as read from the plan tables: the only source of plan numbers in code. */
export class Plan {
  constructor(
    /** Lowest first. */
    readonly ranks: Rank[],
    private readonly levelRates: Map<string, Dec>,
    private readonly instantRates: Map<string, Dec>,
    private readonly rankAmounts: Map<string, Dec>,
    private readonly currencyAmounts: Map<string, Dec>,
    private readonly settings: Map<string, string>,
    private readonly travelPoints: Map<string, { own: number; direct: number }>,
  ) {}

  rank(code: string): Rank {
    const rank = this.ranks.find((candidate) => candidate.code === code);
    if (!rank) throw new Error(`unknown rank ${code}`);
    return rank;
  }

  /** Unilevel % of a rank at a genealogy level (levels past 9 pay the infinity line), or undefined. */
  unilevelPercent(rankCode: string, level: number): Dec | undefined {
    return this.levelRates.get(`unilevel:${rankCode}:${Math.min(level, INFINITY_LEVEL)}`);
  }

  matchingPercent(rankCode: string, level: number): Dec | undefined {
    return this.levelRates.get(`matching:${rankCode}:${level}`);
  }

  instantPercent(bonus: "direct" | "fast_start", level: number): Dec | undefined {
    return this.instantRates.get(`${bonus}:${level}`);
  }

  achievementAmount(rankCode: string, currency: string): Dec | undefined {
    return this.rankAmounts.get(`achievement:${rankCode}:${currency}`);
  }

  amount(key: CurrencyAmountKey, currency: string): Dec {
    const value = this.currencyAmounts.get(`${key}:${currency}`);
    if (!value) throw new Error(`plan amount ${key} is not set for ${currency}`);
    return value;
  }

  setting(key: SettingKey): string {
    const value = this.settings.get(key);
    if (value === undefined) throw new Error(`plan setting ${key} is not set`);
    return value;
  }

  decimal(key: SettingKey): Dec {
    return new Dec(this.setting(key));
  }

  integer(key: SettingKey): number {
    return this.decimal(key).toNumber();
  }

  travelRankPoints(rankCode: string): { own: number; direct: number } {
    return this.travelPoints.get(rankCode) ?? { own: 0, direct: 0 };
  }
}

const CACHE_MS = 30_000;
let cached: { plan: Promise<Plan>; at: number } | undefined;

/**
 * The plan, read once and cached briefly per function instance (the tables are small and change
 * only through admin settings, which call forgetPlan).
 */
export function getPlan(db: Database): Promise<Plan> {
  if (!cached || Date.now() - cached.at > CACHE_MS) {
    const plan = loadPlan(db);
    cached = { plan, at: Date.now() };
    plan.catch(() => (cached = undefined));
  }
  return cached.plan;
}

export function forgetPlan(): void {
  cached = undefined;
}

export async function loadPlan(db: Database): Promise<Plan> {
  // One after another: `db` may be a transaction, whose single connection cannot run queries in parallel.
  const ranks = await db.select().from(rankTable).orderBy(rankTable.position);
  const levelRates = await db.select().from(rankLevelRateTable);
  const instantRates = await db.select().from(instantRateTable);
  const rankAmounts = await db.select().from(rankAmountTable);
  const currencyAmounts = await db.select().from(currencyAmountTable);
  const settings = await db.select().from(planSettingTable);
  const travel = await db.select().from(travelRankPointsTable);
  return new Plan(
    ranks.map((rank) => ({ ...rank, minPv: new Dec(rank.minPv), minPvg: new Dec(rank.minPvg) })),
    new Map(levelRates.map((row) => [`${row.bonus}:${row.rankCode}:${row.level}`, new Dec(row.percent)])),
    new Map(instantRates.map((row) => [`${row.bonus}:${row.level}`, new Dec(row.percent)])),
    new Map(rankAmounts.map((row) => [`${row.bonus}:${row.rankCode}:${row.currency.trim()}`, new Dec(row.amount)])),
    new Map(currencyAmounts.map((row) => [`${row.key}:${row.currency.trim()}`, new Dec(row.amount)])),
    new Map(settings.map((row) => [row.key, row.value])),
    new Map(travel.map((row) => [row.rankCode, { own: row.ownPoints, direct: row.directPoints }])),
  );
}
