import { sql } from "drizzle-orm";
import { char, check, integer, numeric, pgTable, primaryKey, smallint, text, timestamp, unique } from "drizzle-orm/pg-core";

// The compensation plan as data (SPEC.md): every percentage, amount and threshold lives in these
// tables and is loaded by the seed. Code reads them; it never hard-codes a plan number.

export const currencyTable = pgTable("currency", {
  code: char("code", { length: 3 }).primaryKey(),
  name: text("name").notNull(),
  /** Minor units, for card amounts (all three seeded currencies use 2). */
  decimals: smallint("decimals").notNull().default(2),
});

export const countryTable = pgTable("country", {
  code: char("code", { length: 2 }).primaryKey(),
  name: text("name").notNull(),
  currency: char("currency", { length: 3 }).notNull().references(() => currencyTable.code),
});

/** Company-fixed rates per ordered pair; the one in force at an instant is the latest effective_from <= it. */
export const exchangeRateTable = pgTable(
  "exchange_rate",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    fromCurrency: char("from_currency", { length: 3 }).notNull().references(() => currencyTable.code),
    toCurrency: char("to_currency", { length: 3 }).notNull().references(() => currencyTable.code),
    rate: numeric("rate", { precision: 24, scale: 12 }).notNull(),
    effectiveFrom: timestamp("effective_from", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("exchange_rate_pair_instant").on(t.fromCurrency, t.toCurrency, t.effectiveFrom),
    check("exchange_rate_positive", sql`${t.rate} > 0`),
    check("exchange_rate_distinct_pair", sql`${t.fromCurrency} <> ${t.toCurrency}`),
  ],
);

export const rankTable = pgTable("rank", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  /** 1 = lowest. Career rank comparisons use this. */
  position: smallint("position").notNull().unique(),
  minPv: numeric("min_pv", { precision: 14, scale: 2 }).notNull(),
  minPvg: numeric("min_pvg", { precision: 16, scale: 2 }).notNull(),
  unilevelLevels: smallint("unilevel_levels").notNull(),
  /** The achievement bonus is paid only if the rank is reached within this many days of enrolment. */
  achievementWindowDays: smallint("achievement_window_days"),
});

/** Per-rank level percentages: bonus 'unilevel' (level 10 means 10+, the infinity line) and 'matching'. */
export const rankLevelRateTable = pgTable(
  "rank_level_rate",
  {
    bonus: text("bonus").notNull(),
    rankCode: text("rank_code").notNull().references(() => rankTable.code),
    level: smallint("level").notNull(),
    percent: numeric("percent", { precision: 7, scale: 4 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.bonus, t.rankCode, t.level] }), check("rank_level_rate_bonus", sql`${t.bonus} in ('unilevel','matching')`)],
);

/** Rank-free level percentages of the instant bonuses: 'direct' (level 1) and 'fast_start' (levels 1-3). */
export const instantRateTable = pgTable(
  "instant_rate",
  {
    bonus: text("bonus").notNull(),
    level: smallint("level").notNull(),
    percent: numeric("percent", { precision: 7, scale: 4 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.bonus, t.level] }), check("instant_rate_bonus", sql`${t.bonus} in ('direct','fast_start')`)],
);

/** Per-rank, per-currency fixed amounts: the achievement bonus. */
export const rankAmountTable = pgTable(
  "rank_amount",
  {
    bonus: text("bonus").notNull(),
    rankCode: text("rank_code").notNull().references(() => rankTable.code),
    currency: char("currency", { length: 3 }).notNull().references(() => currencyTable.code),
    amount: numeric("amount", { precision: 16, scale: 2 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.bonus, t.rankCode, t.currency] })],
);

/** Per-currency amounts: car payments, withdrawal minimum/fee/daily limit, cashback base. */
export const currencyAmountTable = pgTable(
  "currency_amount",
  {
    key: text("key").notNull(),
    currency: char("currency", { length: 3 }).notNull().references(() => currencyTable.code),
    amount: numeric("amount", { precision: 16, scale: 2 }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.currency] })],
);

/** Scalar settings (thresholds, percentages, days); value is text so a setting may name a rank. */
export const planSettingTable = pgTable("plan_setting", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  description: text("description").notNull(),
});

/** NN Travels points for reaching a rank: by the member themself, and by one of their directs. */
export const travelRankPointsTable = pgTable("travel_rank_points", {
  rankCode: text("rank_code").primaryKey().references(() => rankTable.code),
  ownPoints: integer("own_points").notNull(),
  directPoints: integer("direct_points").notNull(),
});
