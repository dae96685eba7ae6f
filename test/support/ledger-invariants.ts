import { expect } from "vitest";
import { database } from "../../src/db/client";
import { findLedgerViolations } from "../../src/ledger/invariants";

/** The ledger's invariants over the whole test database; money test files run it after every test. */
export async function expectLedgerInvariants(): Promise<void> {
  expect(await findLedgerViolations(await database())).toEqual([]);
}
