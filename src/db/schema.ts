// Every table, for drizzle's relational queries and drizzle-kit. Each domain keeps its own
// `<domain>.sql.ts`; add a line here when a domain gains one.
export * from "../plan/plan.sql";
export * from "../catalog/catalog.sql";
export * from "../members/members.sql";
export * from "../auth/auth.sql";
export * from "../http/http.sql";
export * from "../audit/audit.sql";
export * from "../volumes/volumes.sql";
