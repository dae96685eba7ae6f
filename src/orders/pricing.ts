import { and, eq, inArray } from "drizzle-orm";
import { productPriceTable, productTable } from "../catalog/catalog.sql";
import type { Database } from "../db/client";
import { AppError, type FieldError } from "../errors";
import { Dec } from "../money/decimal";
import type { CheckoutInput } from "./schemas";

export interface PricedLine {
  lineNo: number;
  sku: string;
  name: string;
  kind: "kit" | "product";
  quantity: number;
  unitPrice: Dec;
  unitPv: Dec;
  /** Kits carry no VN (SPEC.md section 3), whatever their price row says. */
  unitVn: Dec;
}

export interface PricedOrder {
  currency: string;
  lines: PricedLine[];
  subtotal: Dec;
  pv: Dec;
  vn: Dec;
  hasKit: boolean;
}

/**
 * Prices a cart in the buyer's currency from the current catalog, to be frozen on the order lines.
 * Refuses (with the path of each bad line): a repeated sku (400), and with 422 an unknown or
 * inactive product, one not sold in this currency, a kit in a quantity other than 1, and more
 * than one kit in one order.
 */
export async function priceItems(db: Database, currency: string, items: CheckoutInput["items"]): Promise<PricedOrder> {
  const duplicates = items.flatMap((item, index) => (items.findIndex((other) => other.sku === item.sku) < index ? [{ path: `items.${index}.sku`, message: "This sku is already in the order; set its quantity instead" }] : []));
  if (duplicates.length > 0) throw new AppError("validation", "The request body is invalid", { errors: duplicates });

  const rows = await db
    .select({ sku: productTable.sku, name: productTable.name, kind: productTable.kind, pv: productTable.pv, price: productPriceTable.price, vn: productPriceTable.vn })
    .from(productTable)
    .innerJoin(productPriceTable, and(eq(productPriceTable.sku, productTable.sku), eq(productPriceTable.currency, currency)))
    .where(and(inArray(productTable.sku, items.map((item) => item.sku)), eq(productTable.active, true)));
  const bySku = new Map(rows.map((row) => [row.sku, row]));

  const errors: FieldError[] = [];
  const lines: PricedLine[] = [];
  items.forEach((item, index) => {
    const product = bySku.get(item.sku);
    if (!product) return errors.push({ path: `items.${index}.sku`, message: `No active product with this sku is sold in ${currency}` });
    if (product.kind === "kit" && item.quantity !== 1) errors.push({ path: `items.${index}.quantity`, message: "A starter kit is bought once: quantity must be 1" });
    lines.push({
      lineNo: index + 1,
      sku: product.sku,
      name: product.name,
      kind: product.kind,
      quantity: item.quantity,
      unitPrice: new Dec(product.price),
      unitPv: new Dec(product.pv),
      unitVn: product.kind === "kit" ? new Dec(0) : new Dec(product.vn),
    });
  });
  const kits = lines.filter((line) => line.kind === "kit");
  if (kits.length > 1) errors.push({ path: `items.${kits[1]!.lineNo - 1}.sku`, message: "One starter kit per member: an order may hold only one" });
  if (errors.length > 0) throw new AppError("business_rule", "Some items cannot be bought", { errors });

  const sum = (of: (line: PricedLine) => Dec) => lines.reduce((total, line) => total.plus(of(line).times(line.quantity)), new Dec(0));
  return {
    currency,
    lines,
    subtotal: sum((line) => line.unitPrice),
    pv: sum((line) => line.unitPv),
    vn: sum((line) => line.unitVn),
    hasKit: kits.length === 1,
  };
}
