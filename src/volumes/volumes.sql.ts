import { bigint, char, integer, numeric, pgTable, primaryKey, timestamp } from "drizzle-orm/pg-core";
import { memberTable } from "../members/members.sql";
import { orderTable } from "../orders/orders.sql";

/** Volumes keyed by (period, member): a new period starts at zero without touching history. */
export const memberVolumeTable = pgTable(
  "member_volume",
  {
    period: char("period", { length: 7 }).notNull(),
    memberId: integer("member_id").notNull().references(() => memberTable.id),
    pv: numeric("pv", { precision: 14, scale: 2 }).notNull().default("0"),
    /** Own PV plus every descendant's PV in the period (the upline's share arrives by the fold). */
    pvg: numeric("pvg", { precision: 16, scale: 2 }).notNull().default("0"),
  },
  (t) => [primaryKey({ columns: [t.period, t.memberId] })],
);

/**
 * PV a confirmation (or, negative, a refund) gave its buyer, still to be added to the PVG of the
 * buyer's ancestors and to `depth_volume`. The fold (src/volumes/fold.ts) adds a batch of them and
 * deletes them in one transaction: a row here is volume not yet folded, never volume counted twice.
 */
export const volumeEventTable = pgTable("volume_event", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  period: char("period", { length: 7 }).notNull(),
  memberId: integer("member_id").notNull().references(() => memberTable.id),
  orderId: bigint("order_id", { mode: "number" }).notNull().references(() => orderTable.id),
  pv: numeric("pv", { precision: 14, scale: 2 }).notNull(),
  /** When the order was confirmed (or refunded): the instant an ancestor's promotion is dated. */
  at: timestamp("at", { withTimezone: true }).notNull(),
});

/**
 * The period's PV of every member at each depth of the tree (the root's summary by level, without
 * reading a million members). Kept by the fold; a move shifts its subtree's PV between depths.
 */
export const depthVolumeTable = pgTable(
  "depth_volume",
  {
    period: char("period", { length: 7 }).notNull(),
    depth: integer("depth").notNull(),
    pv: numeric("pv", { precision: 16, scale: 2 }).notNull().default("0"),
  },
  (t) => [primaryKey({ columns: [t.period, t.depth] })],
);
