import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "../db/client";
import { productPriceTable, productTable } from "../catalog/catalog.sql";
import { countryTable, currencyTable, exchangeRateTable } from "../plan/plan.sql";

// Reference data of SPEC.md sections 1 and 3. Upserts: safe to run on every start.

const CURRENCIES = [
  { code: "MXN", name: "Peso mexicano" },
  { code: "USD", name: "US dollar" },
  { code: "COP", name: "Peso colombiano" },
];
const COUNTRIES = [
  { code: "MX", name: "México", currency: "MXN" },
  { code: "US", name: "United States", currency: "USD" },
  { code: "CO", name: "Colombia", currency: "COP" },
];
const RATES: [string, string, string][] = [
  ["COP", "MXN", "0.00435"],
  ["MXN", "COP", "230"],
  ["USD", "MXN", "18.50"],
  ["MXN", "USD", "0.054"],
  ["USD", "COP", "4250"],
  ["COP", "USD", "0.000235"],
];
export const SEED_RATES_EFFECTIVE_FROM = new Date("2000-01-01T00:00:00Z");

/** NN Travels points per starter kit bought in the downline. */
const KIT_TRAVEL_POINTS: Record<string, number> = { "NN-KIT-SUPPLEMENT": 1, "NN-KIT-SKIN": 2, "NN-KIT-PROTECT": 4 };

export const catalogCsvPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../data/catalog.csv");

export interface CatalogRow {
  sku: string;
  name: string;
  kind: "kit" | "product";
  category: string;
  pv: string;
  prices: { currency: string; price: string; publicPrice: string | null; vn: string }[];
}

export function readCatalog(file = catalogCsvPath): CatalogRow[] {
  const [header, ...lines] = readFileSync(file, "utf8").trim().split(/\r?\n/);
  const columns = header!.split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    if (cells.length !== columns.length) throw new Error(`catalog.csv: expected ${columns.length} cells in "${line}"`);
    const cell = (name: string) => cells[columns.indexOf(name)]!.trim();
    return {
      sku: cell("sku"),
      name: cell("name"),
      kind: cell("kind") as "kit" | "product",
      category: cell("category"),
      pv: cell("pv"),
      prices: ["mxn", "usd", "cop"].map((c) => ({
        currency: c.toUpperCase(),
        price: cell(`price_${c}`),
        publicPrice: cell(`public_${c}`) || null,
        vn: cell(`vn_${c}`),
      })),
    };
  });
}

export async function seedReference(db: Database): Promise<void> {
  await db.insert(currencyTable).values(CURRENCIES).onConflictDoNothing();
  await db.insert(countryTable).values(COUNTRIES).onConflictDoNothing();
  await db
    .insert(exchangeRateTable)
    .values(RATES.map(([fromCurrency, toCurrency, rate]) => ({ fromCurrency, toCurrency, rate, effectiveFrom: SEED_RATES_EFFECTIVE_FROM })))
    .onConflictDoNothing();
  const catalog = readCatalog();
  await db
    .insert(productTable)
    .values(catalog.map(({ sku, name, kind, category, pv }) => ({ sku, name, kind, category, pv, travelPoints: KIT_TRAVEL_POINTS[sku] ?? 0 })))
    .onConflictDoNothing();
  await db
    .insert(productPriceTable)
    .values(catalog.flatMap(({ sku, prices }) => prices.map((price) => ({ sku, ...price }))))
    .onConflictDoNothing();
}
