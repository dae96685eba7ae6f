import * as v from "valibot";
import { decimalString, instantWindow, isoInstant, pageQuery, periodString, sortQuery } from "../http/schemas";
import { DISPUTE_STATUSES, ORDER_STATUSES, PAYMENT_METHODS } from "./orders.sql";

// Request and response shapes of the order routes (API.md "Catalog and orders"); the function files
// validate with these and the OpenAPI document is generated from them.

export const MAX_ORDER_LINES = 50;

const sku = v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(40), v.toUpperCase());
const quantity = v.pipe(v.number("Must be a whole number"), v.integer("Must be a whole number"), v.minValue(1, "Must be 1 to 99"), v.maxValue(99, "Must be 1 to 99"));

export const checkoutBody = v.strictObject({
  items: v.pipe(
    v.array(v.strictObject({ sku, quantity })),
    v.minLength(1, "Add at least one item"),
    v.maxLength(MAX_ORDER_LINES, `At most ${MAX_ORDER_LINES} lines`),
    v.description("One line per sku (a repeated sku is refused, not merged)"),
  ),
  paymentMethod: v.picklist(["card", "wallet"], "Must be card or wallet"),
  useCashback: v.optional(v.pipe(v.boolean(), v.description("Apply this period's cashback credit, if any (ignored when there is none)")), false),
});
export type CheckoutInput = v.InferOutput<typeof checkoutBody>;

const money = v.object({ amount: v.string(), currency: v.string() });
const instant = v.pipe(v.string(), v.description("ISO 8601 instant"));
const id = v.pipe(v.number(), v.integer());

export const orderItemSchema = v.object({
  sku: v.string(),
  name: v.string(),
  quantity: id,
  unitPrice: money,
  pv: v.pipe(v.string(), v.description("PV of one unit, frozen at checkout")),
  vn: v.pipe(money, v.description("VN of one unit, frozen at checkout (kits have none)")),
});

export const orderSchema = v.object({
  id,
  status: v.picklist(ORDER_STATUSES),
  period: v.pipe(v.nullable(v.string()), v.description("The period the order counts in; null until its payment is confirmed")),
  currency: v.string(),
  subtotal: money,
  discount: v.pipe(money, v.description("The cashback credit applied")),
  total: money,
  pv: v.string(),
  vn: money,
  items: v.array(orderItemSchema),
  paymentMethod: v.picklist(PAYMENT_METHODS),
  refunded: v.pipe(money, v.description("Refunded so far")),
  createdAt: instant,
  paymentConfirmedAt: v.nullable(instant),
});
export type OrderView = v.InferOutput<typeof orderSchema>;

export const staffOrderSchema = v.object({
  ...orderSchema.entries,
  member: v.object({ memberCode: v.string(), name: v.string(), country: v.string() }),
  arrivedLate: v.pipe(v.boolean(), v.description("Confirmed after its period had closed: counted in the open period")),
  disputeStatus: v.nullable(v.picklist(DISPUTE_STATUSES)),
  paymentIntentId: v.nullable(v.string()),
  paymentReference: v.nullable(v.string()),
  paymentError: v.nullable(v.string()),
});
export type StaffOrderView = v.InferOutput<typeof staffOrderSchema>;

export const checkoutResponseSchema = v.object({
  order: orderSchema,
  payment: v.variant("provider", [
    v.object({ provider: v.literal("stripe"), paymentIntentId: v.string(), clientSecret: v.string() }),
    v.object({ provider: v.literal("wallet") }),
  ]),
});
export type CheckoutResponse = v.InferOutput<typeof checkoutResponseSchema>;

export const orderIdParams = v.object({ id: v.pipe(v.string(), v.regex(/^[1-9]\d{0,14}$/, "Must be an order id"), v.transform(Number)) });

export const ORDER_SORTS = ["createdAt", "total", "status", "paymentConfirmedAt"] as const;
const status = v.optional(v.picklist(ORDER_STATUSES, `Must be one of: ${ORDER_STATUSES.join(", ")}`));

export const memberOrdersQuery = v.strictObject({ ...pageQuery, sort: sortQuery(ORDER_SORTS, "-createdAt"), status, period: v.optional(periodString) });
export type MemberOrdersQuery = v.InferOutput<typeof memberOrdersQuery>;

export const staffOrdersQuery = v.strictObject({
  ...pageQuery,
  sort: sortQuery(ORDER_SORTS, "-createdAt"),
  status,
  period: v.optional(periodString),
  country: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z]{2}$/, "Must be a 2-letter country code"), v.toUpperCase())),
  currency: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z]{3}$/, "Must be a 3-letter currency code"), v.toUpperCase())),
  memberCode: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(32), v.toUpperCase())),
  paymentMethod: v.optional(v.picklist(PAYMENT_METHODS)),
  ...instantWindow,
  minAmount: v.optional(v.pipe(decimalString, v.description("Order total at least this (in the order's currency)"))),
  maxAmount: v.optional(v.pipe(decimalString, v.description("Order total at most this (in the order's currency)"))),
});
export type StaffOrdersQuery = v.InferOutput<typeof staffOrdersQuery>;

export const confirmPaymentBody = v.strictObject({
  receivedAt: v.pipe(isoInstant, v.description("When the money was received: the order counts in that instant's period")),
  reference: v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(120, "At most 120 characters")),
});
export type ConfirmPaymentInput = v.InferOutput<typeof confirmPaymentBody>;
