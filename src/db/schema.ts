// Every table, for drizzle's relational queries and drizzle-kit. Each domain keeps its own
// `<domain>.sql.ts`; add a line here when a domain gains one.
export * from "../plan/plan.sql";
export * from "../catalog/catalog.sql";
export * from "../members/members.sql";
export * from "../auth/auth.sql";
export * from "../http/http.sql";
export * from "../audit/audit.sql";
export * from "../volumes/volumes.sql";
export * from "../ledger/ledger.sql";
export * from "../commissions/commissions.sql";
export * from "../wallet/wallet.sql";
export * from "../orders/orders.sql";
export * from "../periods/periods.sql";
export * from "../cashback/cashback.sql";
export * from "../loyalty/loyalty.sql";
export * from "../confirmation/confirmation.sql";
