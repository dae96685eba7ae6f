import type { Dec } from "../money/decimal";

/** An order at the moment its payment is confirmed: what the instant bonuses are computed from. */
export interface PaidOrder {
  id: number;
  memberId: number;
  /** The buyer's currency, which the lines are priced in. */
  currency: string;
  /** VN of the product lines (kits have none). */
  vn: Dec;
  period: string;
  confirmedAt: Date;
  lines: { sku: string; kind: "kit" | "product"; quantity: number; unitPrice: Dec }[];
}
