import { eq } from "drizzle-orm";
import { reserveCashback } from "../cashback/cashback";
import { now } from "../clock";
import type { Database } from "../db/client";
import { refused } from "../errors";
import { memberTable } from "../members/members.sql";
import { countryTable } from "../plan/plan.sql";
import { claimKit } from "./holds";
import { orderLineTable, orderTable } from "./orders.sql";
import { priceItems } from "./pricing";
import type { CheckoutInput } from "./schemas";

export interface Buyer {
  memberId: number;
  memberCode: string;
  /** False for staff-only accounts, which stand outside the genealogy and cannot buy. */
  inNetwork: boolean;
}

/**
 * Creates a pending_payment order in the caller's transaction: lines priced and frozen from the
 * catalog in the buyer's currency, the starter kit claimed, and the cashback credit reserved when
 * asked (its discount lowers the total). Nothing here counts until a payment confirmation.
 */
export async function createOrder(tx: Database, buyer: Buyer, input: CheckoutInput): Promise<number> {
  if (!buyer.inNetwork) throw refused("Staff-only accounts cannot buy; use a member account");
  const [member] = await tx
    .select({ currency: countryTable.currency })
    .from(memberTable)
    .innerJoin(countryTable, eq(countryTable.code, memberTable.country))
    .where(eq(memberTable.id, buyer.memberId));
  const currency = member!.currency.trim();
  const priced = await priceItems(tx, currency, input.items);
  const at = now();
  const [order] = await tx
    .insert(orderTable)
    .values({
      memberId: buyer.memberId,
      currency,
      subtotal: priced.subtotal.toFixed(2),
      discount: "0",
      total: priced.subtotal.toFixed(2),
      pv: priced.pv.toFixed(2),
      vn: priced.vn.toFixed(2),
      hasKit: priced.hasKit,
      paymentMethod: input.paymentMethod,
      createdAt: at,
      updatedAt: at,
    })
    .returning({ id: orderTable.id });
  const orderId = order!.id;
  await tx.insert(orderLineTable).values(
    priced.lines.map((line) => ({
      orderId,
      lineNo: line.lineNo,
      sku: line.sku,
      name: line.name,
      kind: line.kind,
      quantity: line.quantity,
      unitPrice: line.unitPrice.toFixed(2),
      unitPv: line.unitPv.toFixed(2),
      unitVn: line.unitVn.toFixed(2),
    })),
  );
  const kit = priced.lines.find((line) => line.kind === "kit");
  if (kit) await claimKit(tx, buyer.memberId, orderId, kit.lineNo - 1);
  if (input.useCashback) {
    const discount = await reserveCashback(tx, { memberId: buyer.memberId, orderId, subtotal: priced.subtotal, currency, at });
    if (discount.gt(0)) {
      await tx
        .update(orderTable)
        .set({ discount: discount.toFixed(2), total: priced.subtotal.minus(discount).toFixed(2) })
        .where(eq(orderTable.id, orderId));
    }
  }
  return orderId;
}
