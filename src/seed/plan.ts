import type { Database } from "../db/client";
import {
  currencyAmountTable,
  instantRateTable,
  planSettingTable,
  rankAmountTable,
  rankLevelRateTable,
  rankTable,
  travelRankPointsTable,
} from "../plan/plan.sql";

// Every number of the compensation plan (SPEC.md sections 5, 6 and 8), loaded as data. Inserted
// only where absent, so settings edited later by an admin survive a re-seed.

const RANKS = [
  { code: "visionario", name: "Visionario", minPvg: "1465", unilevelLevels: 3 },
  { code: "emprendedor", name: "Emprendedor", minPvg: "21000", unilevelLevels: 4, achievementWindowDays: 30 },
  { code: "creativo", name: "Creativo", minPvg: "58000", unilevelLevels: 5 },
  { code: "innovador", name: "Innovador", minPvg: "120000", unilevelLevels: 6 },
  { code: "embajador_transformador", name: "Embajador Transformador", minPvg: "300000", unilevelLevels: 9 },
  { code: "embajador_inspirador", name: "Embajador Inspirador", minPvg: "650000", unilevelLevels: 9 },
  { code: "embajador_consciente", name: "Embajador Consciente", minPvg: "1300000", unilevelLevels: 9 },
  { code: "embajador_solidario", name: "Embajador Solidario", minPvg: "2900000", unilevelLevels: 9 },
];
const RANK_MIN_PV = "1465";

/** Unilevel % by level; index 9 is level 10+ (the infinity line), present for Embajadores only. */
const UNILEVEL_BASE = ["5", "8", "10", "10", "5", "4", "4", "3", "3"];
const INFINITY: Record<string, string> = {
  embajador_transformador: "0.5",
  embajador_inspirador: "1",
  embajador_consciente: "1.5",
  embajador_solidario: "2",
};

/** Matching % by level (1-4) of the Embajadores' unilevel. */
const MATCHING: Record<string, string[]> = {
  embajador_transformador: ["30"],
  embajador_inspirador: ["30", "20"],
  embajador_consciente: ["30", "20", "10"],
  embajador_solidario: ["30", "20", "10", "5"],
};

const INSTANT_RATES = [
  { bonus: "direct", level: 1, percent: "25" },
  { bonus: "fast_start", level: 1, percent: "30" },
  { bonus: "fast_start", level: 2, percent: "10" },
  { bonus: "fast_start", level: 3, percent: "5" },
];

/** Achievement (Bono por Alcance) per rank: MXN / USD / COP. Visionario pays none. */
const ACHIEVEMENT: Record<string, [string, string, string]> = {
  emprendedor: ["1500", "85", "330000"],
  creativo: ["3000", "165", "666000"],
  innovador: ["5000", "280", "1100000"],
  embajador_transformador: ["7500", "390", "1650000"],
  embajador_inspirador: ["10000", "555", "2220000"],
  embajador_consciente: ["20000", "1111", "4400000"],
  embajador_solidario: ["40000", "2222", "8800000"],
};

/** Per-currency amounts: MXN / USD / COP. */
const CURRENCY_AMOUNTS: Record<string, [string, string, string]> = {
  car_down_payment: ["50000", "2500", "11000000"],
  car_monthly: ["5000", "250", "1100000"],
  cashback_base: ["3490", "200", "830000"],
  withdrawal_minimum: ["500", "25", "100000"],
  withdrawal_fee: ["15", "1", "4000"],
  withdrawal_daily_limit: ["50000", "2500", "10000000"],
};

const SETTINGS: { key: string; value: string; description: string }[] = [
  { key: "active_min_pv", value: "1465", description: "Own PV in a period that makes a member active (monthly bonuses)" },
  { key: "instant_hold_days", value: "7", description: "Days an instant bonus waits (refund window) before it is payable" },
  { key: "matching_min_rank", value: "embajador_transformador", description: "Lowest career rank that earns and counts for matching" },
  { key: "car_min_rank", value: "embajador_transformador", description: "Lowest period rank that qualifies for the car bonus" },
  { key: "car_consecutive_periods", value: "2", description: "Consecutive qualifying periods for the car down payment and monthly payments" },
  { key: "cashback_min_pv", value: "2930", description: "PV in a period that grants the cashback credit" },
  { key: "cashback_percent", value: "79", description: "Cashback discount %, capped at this % of cashback_base" },
  { key: "loyalty_last_day", value: "7", description: "Orders confirmed on days 1..N of a month (Mexico City) earn loyalty points" },
  { key: "loyalty_points_per_month", value: "25", description: "Loyalty points for a qualifying month" },
  { key: "loyalty_gift_points", value: "100", description: "Loyalty points that earn a gift; points then restart at 0" },
  { key: "travel_target_points", value: "200", description: "NN Travels points that qualify for the trip" },
  { key: "withdrawal_review_hours", value: "24", description: "A withdrawal within this many hours of a bank-account change is flagged" },
];

/** NN Travels points for a rank reached: by the member / by a direct. */
const TRAVEL_RANK_POINTS: Record<string, [number, number]> = {
  visionario: [1, 1],
  emprendedor: [5, 5],
  creativo: [15, 10],
  innovador: [25, 20],
  embajador_transformador: [50, 30],
  embajador_inspirador: [100, 50],
  embajador_consciente: [200, 100],
  embajador_solidario: [200, 100],
};

const CURRENCIES = ["MXN", "USD", "COP"] as const;

export async function seedPlan(db: Database): Promise<void> {
  await db
    .insert(rankTable)
    .values(RANKS.map((rank, index) => ({ ...rank, position: index + 1, minPv: RANK_MIN_PV, achievementWindowDays: rank.achievementWindowDays ?? null })))
    .onConflictDoNothing();
  await db
    .insert(rankLevelRateTable)
    .values([
      ...RANKS.flatMap((rank) => [
        ...UNILEVEL_BASE.slice(0, rank.unilevelLevels).map((percent, i) => ({ bonus: "unilevel", rankCode: rank.code, level: i + 1, percent })),
        ...(INFINITY[rank.code] ? [{ bonus: "unilevel", rankCode: rank.code, level: 10, percent: INFINITY[rank.code]! }] : []),
      ]),
      ...Object.entries(MATCHING).flatMap(([rankCode, percents]) => percents.map((percent, i) => ({ bonus: "matching", rankCode, level: i + 1, percent }))),
    ])
    .onConflictDoNothing();
  await db.insert(instantRateTable).values(INSTANT_RATES).onConflictDoNothing();
  await db
    .insert(rankAmountTable)
    .values(Object.entries(ACHIEVEMENT).flatMap(([rankCode, amounts]) => CURRENCIES.map((currency, i) => ({ bonus: "achievement", rankCode, currency, amount: amounts[i]! }))))
    .onConflictDoNothing();
  await db
    .insert(currencyAmountTable)
    .values(Object.entries(CURRENCY_AMOUNTS).flatMap(([key, amounts]) => CURRENCIES.map((currency, i) => ({ key, currency, amount: amounts[i]! }))))
    .onConflictDoNothing();
  await db.insert(planSettingTable).values(SETTINGS).onConflictDoNothing();
  await db
    .insert(travelRankPointsTable)
    .values(Object.entries(TRAVEL_RANK_POINTS).map(([rankCode, [ownPoints, directPoints]]) => ({ rankCode, ownPoints, directPoints })))
    .onConflictDoNothing();
}
