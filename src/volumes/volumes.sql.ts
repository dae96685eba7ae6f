import { char, integer, numeric, pgTable, primaryKey } from "drizzle-orm/pg-core";
import { memberTable } from "../members/members.sql";

/** Volumes keyed by (period, member): a new period starts at zero without touching history. */
export const memberVolumeTable = pgTable(
  "member_volume",
  {
    period: char("period", { length: 7 }).notNull(),
    memberId: integer("member_id").notNull().references(() => memberTable.id),
    pv: numeric("pv", { precision: 14, scale: 2 }).notNull().default("0"),
    /** Own PV plus every descendant's PV in the period. */
    pvg: numeric("pvg", { precision: 16, scale: 2 }).notNull().default("0"),
  },
  (t) => [primaryKey({ columns: [t.period, t.memberId] })],
);
