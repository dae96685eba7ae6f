import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { money, type Money } from "../money/decimal";
import { countryTable } from "../plan/plan.sql";
import { memberTable } from "../members/members.sql";
import { productPriceTable, productTable } from "./catalog.sql";

export interface CatalogItem {
  sku: string;
  name: string;
  kind: "kit" | "product";
  category: string;
  price: Money;
  publicPrice: Money | null;
  /** PV is the same everywhere; a string so it never passes through a float. */
  pv: string;
  vn: Money;
}

/** The active catalog priced in the member's currency: only products with a price there. */
export async function catalogFor(db: Database, memberId: number): Promise<{ currency: string; items: CatalogItem[] }> {
  const [member] = await db
    .select({ currency: countryTable.currency })
    .from(memberTable)
    .innerJoin(countryTable, eq(countryTable.code, memberTable.country))
    .where(eq(memberTable.id, memberId));
  const currency = member!.currency;
  const rows = await db
    .select({ product: productTable, price: productPriceTable })
    .from(productTable)
    .innerJoin(productPriceTable, and(eq(productPriceTable.sku, productTable.sku), eq(productPriceTable.currency, currency)))
    .where(eq(productTable.active, true))
    .orderBy(asc(productTable.kind), asc(productTable.sku));
  return {
    currency,
    items: rows.map(({ product, price }) => ({
      sku: product.sku,
      name: product.name,
      kind: product.kind,
      category: product.category,
      price: money(price.price, currency),
      publicPrice: price.publicPrice === null ? null : money(price.publicPrice, currency),
      pv: product.pv,
      vn: money(price.vn, currency),
    })),
  };
}
