import { env } from "../config/env";
import type { Database } from "../db/client";
import { newSeedPassword, seedAccounts, type SeededAccounts } from "./accounts";
import type { DemoNetwork } from "./demo";
import { seedPlan } from "./plan";
import { seedReference } from "./reference";

export interface SeedOptions {
  /** Also build the demo network (see seedDemo). */
  demo?: boolean;
}

export interface SeedResult extends SeededAccounts {
  /** With `demo`: the network, and its password when it differs from the staff one and was generated now. */
  demo?: DemoNetwork & { generatedPassword?: string };
}

/** Idempotent: reference data, the plan, the root and staff accounts; the demo network on request. */
export async function seedDatabase(db: Database, options: SeedOptions = {}): Promise<SeedResult> {
  await seedReference(db);
  await seedPlan(db);
  const accounts = await seedAccounts(db);
  if (!options.demo) return accounts;
  const { seedDemo } = await import("./demo");
  // Demo accounts share the staff password when it is known; otherwise they get their own, shown once.
  const known = env().SEED_STAFF_PASSWORD ?? (accounts.password.source === "generated" ? accounts.password.value : undefined);
  const password = known ?? newSeedPassword();
  const network = await seedDemo(db, accounts.rootCode, password);
  return { ...accounts, demo: { ...network, ...(network.created && !known ? { generatedPassword: password } : {}) } };
}
