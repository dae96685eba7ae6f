import { sql } from "drizzle-orm";
import { boolean, char, check, integer, numeric, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { currencyTable } from "../plan/plan.sql";

export const productTable = pgTable(
  "product",
  {
    sku: text("sku").primaryKey(),
    name: text("name").notNull(),
    /** Kits generate PV (ranks, fast start) but no VN. */
    kind: text("kind", { enum: ["kit", "product"] }).notNull(),
    category: text("category").notNull(),
    /** PV is the same in every country. */
    pv: numeric("pv", { precision: 12, scale: 2 }).notNull(),
    /** NN Travels points when this kit is bought in a member's downline (kits only). */
    travelPoints: integer("travel_points").notNull().default(0),
    active: boolean("active").notNull().default(true),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("product_kind", sql`${t.kind} in ('kit','product')`), check("product_pv_nonnegative", sql`${t.pv} >= 0`)],
);

/** Price, public price and VN per currency; a product is sold only where it has a row. */
export const productPriceTable = pgTable(
  "product_price",
  {
    sku: text("sku").notNull().references(() => productTable.sku),
    currency: char("currency", { length: 3 }).notNull().references(() => currencyTable.code),
    price: numeric("price", { precision: 14, scale: 2 }).notNull(),
    publicPrice: numeric("public_price", { precision: 14, scale: 2 }),
    vn: numeric("vn", { precision: 14, scale: 2 }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sku, t.currency] }),
    check("product_price_nonnegative", sql`${t.price} >= 0 and ${t.vn} >= 0 and coalesce(${t.publicPrice}, 0) >= 0`),
  ],
);
