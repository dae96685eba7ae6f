import { randomUUID } from "node:crypto";
import { now } from "../../src/clock";
import { createCommissionLines } from "../../src/commissions/create";
import type { BonusType } from "../../src/commissions/commissions.sql";
import { database } from "../../src/db/client";
import { Dec } from "../../src/money/decimal";
import { periodOf } from "../../src/periods/calendar";
import { runPayouts } from "../../src/payouts/payouts";
import { addBankAccount } from "../../src/wallet/bank-accounts";
import type { BankAccountInput } from "../../src/wallet/schemas";

export const CURRENCY_OF: Record<string, string> = { MX: "MXN", US: "USD", CO: "COP" };

/** Valid account numbers (check digits verified by hand in test/wallet/bank-accounts.test.ts). */
export const VALID_BANK_ACCOUNT: Record<string, BankAccountInput> = {
  MX: { country: "MX", bankName: "BBVA México", holderName: "Ana López", clabe: "002010077777777771" },
  US: { country: "US", bankName: "Chase", holderName: "Ann Lee", routingNumber: "021000021", accountNumber: "000123456789" },
  CO: { country: "CO", bankName: "Bancolombia", holderName: "Ana Gómez", bankCode: "1007", accountNumber: "12345678901" },
};

/** A pending commission line for a member, payable at once unless told otherwise. */
export async function giveCommission(
  receiverId: number,
  amount: string,
  currency: string,
  options: { payableAt?: Date; bonusType?: BonusType } = {},
) {
  const db = await database();
  const [line] = await createCommissionLines(db, [
    {
      key: `test:${randomUUID()}`,
      receiverId,
      bonusType: options.bonusType ?? "direct",
      period: periodOf(now()),
      level: 1,
      originAmount: new Dec(amount),
      originCurrency: currency,
      payableAt: options.payableAt ?? new Date(now().getTime() - 1000),
    },
  ]);
  return line!;
}

/** Puts money in a member's available balance the way production does: a commission, then payouts. */
export async function fundWallet(receiverId: number, amount: string, currency: string) {
  const line = await giveCommission(receiverId, amount, currency);
  await runPayouts(await database());
  return line;
}

export async function addTestBankAccount(member: { id: number; country: string }) {
  return addBankAccount(await database(), member.id, VALID_BANK_ACCOUNT[member.country]!);
}
