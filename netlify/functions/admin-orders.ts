import type { Config } from "@netlify/functions";
import { requireRole } from "../../src/auth/guard";
import { defineContract } from "../../src/http/contract";
import { handler, json } from "../../src/http/handler";
import { pageSchema } from "../../src/http/schemas";
import { readQuery } from "../../src/http/validate";
import { staffOrders } from "../../src/orders/admin-list";
import { staffOrderSchema, staffOrdersQuery } from "../../src/orders/schemas";

export const contract = defineContract({
  summary: "Every member's orders, for staff (filters status, period, country, currency, memberCode, paymentMethod, from/to on createdAt, min/maxAmount on the total)",
  tag: "Admin",
  auth: "support",
  query: staffOrdersQuery,
  success: { status: 200, schema: pageSchema(staffOrderSchema) },
  errors: [403],
});

export default handler(async (ctx) => {
  await requireRole(ctx, "support");
  return json(await staffOrders(ctx.db, readQuery(ctx.url, staffOrdersQuery)));
});

export const config: Config = { path: "/api/admin/orders", method: "GET" };
