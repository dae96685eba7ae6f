import * as v from "valibot";
import { moneySchema } from "../http/schemas";
import { CO_ACCOUNT_NUMBER, CO_BANK_CODE, isValidAbaRouting, isValidClabe, US_ACCOUNT_NUMBER } from "./bank-numbers";
import { WITHDRAWAL_STATUSES } from "./wallet.sql";

// Request and response shapes of the wallet routes (API.md "Commissions and wallet"); the function
// files validate with these and the OpenAPI document is generated from them.

const name = (label: string) => v.pipe(v.string(), v.trim(), v.nonEmpty(`${label} is required`), v.maxLength(120, `${label} is at most 120 characters`));
const common = { bankName: name("bankName"), holderName: name("holderName") };

export const bankAccountBody = v.variant("country", [
  v.strictObject({ country: v.literal("MX"), ...common, clabe: v.pipe(v.string(), v.check(isValidClabe, "Must be an 18-digit CLABE with a valid check digit")) }),
  v.strictObject({
    country: v.literal("US"),
    ...common,
    routingNumber: v.pipe(v.string(), v.check(isValidAbaRouting, "Must be a 9-digit ABA routing number with a valid checksum")),
    accountNumber: v.pipe(v.string(), v.regex(US_ACCOUNT_NUMBER, "Must be 4-17 digits")),
  }),
  v.strictObject({
    country: v.literal("CO"),
    ...common,
    bankCode: v.pipe(v.string(), v.regex(CO_BANK_CODE, "Must be the bank's 3-4 digit code")),
    accountNumber: v.pipe(v.string(), v.regex(CO_ACCOUNT_NUMBER, "Must be 6-20 digits")),
  }),
]);
export type BankAccountInput = v.InferOutput<typeof bankAccountBody>;

const instant = v.pipe(v.string(), v.description("ISO 8601 instant"));
const signedMoney = v.object({ amount: v.pipe(v.string(), v.regex(/^-?\d+\.\d{2}$/)), currency: v.string() });
const id = v.pipe(v.number(), v.integer());

export const bankAccountSchema = v.object({ id, country: v.string(), bankName: v.string(), holderName: v.string(), last4: v.string(), createdAt: instant });
export type BankAccountView = v.InferOutput<typeof bankAccountSchema>;

export const withdrawalBody = v.strictObject({ amount: moneySchema, bankAccountId: v.pipe(v.number(), v.integer("Must be an id"), v.minValue(1, "Must be an id")) });

export const withdrawalSchema = v.object({
  id,
  status: v.picklist(WITHDRAWAL_STATUSES),
  amount: signedMoney,
  fee: signedMoney,
  net: signedMoney,
  flagged: v.pipe(v.boolean(), v.description("Requested soon after a bank-account change: review before approving")),
  bankAccount: v.object({ id, bankName: v.string(), last4: v.string() }),
  createdAt: instant,
  approvedAt: v.nullable(instant),
  processedAt: v.nullable(instant),
  rejectedAt: v.nullable(instant),
  rejectReason: v.nullable(v.string()),
  cancelledAt: v.nullable(instant),
});
export type WithdrawalView = v.InferOutput<typeof withdrawalSchema>;

export const staffWithdrawalSchema = v.object({
  ...withdrawalSchema.entries,
  member: v.object({ memberCode: v.string(), name: v.string(), country: v.string() }),
});
export type StaffWithdrawalView = v.InferOutput<typeof staffWithdrawalSchema>;

export const walletSchema = v.object({
  currency: v.string(),
  available: signedMoney,
  onHold: signedMoney,
  receivable: v.pipe(signedMoney, v.description("What the member owes from clawbacks (positive); later commissions repay it first")),
});

export const walletTransactionSchema = v.object({
  id,
  kind: v.string(),
  amount: signedMoney,
  balanceAfter: signedMoney,
  reference: v.string(),
  createdAt: instant,
});

export const idParams = v.object({ id: v.pipe(v.string(), v.regex(/^\d{1,15}$/, "Must be an id"), v.transform(Number)) });
