import type { Config } from "@netlify/functions";
import * as v from "valibot";
import { authenticate } from "../../src/auth/guard";
import { catalogFor } from "../../src/catalog/catalog";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { moneySchema } from "../../src/http/schemas";

const CatalogItem = v.object({
  sku: v.string(),
  name: v.string(),
  kind: v.picklist(["kit", "product"]),
  category: v.string(),
  price: moneySchema,
  publicPrice: v.nullable(moneySchema),
  pv: v.string(),
  vn: moneySchema,
});

export const contract = defineContract({
  summary: "The active catalog in the caller's currency",
  tag: "Catalog",
  auth: "member",
  success: { status: 200, schema: v.object({ items: v.array(CatalogItem) }) },
});

export default handler(async (ctx) => {
  const me = await authenticate(ctx);
  const { items } = await catalogFor(ctx.db, me.memberId);
  return json({ items });
});

export const config: Config = { path: "/api/catalog", method: "GET" };
