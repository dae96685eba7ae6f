import type { Database } from "../db/client";
import { seedAccounts, type SeededCredentials } from "./accounts";
import { seedPlan } from "./plan";
import { seedReference } from "./reference";

export interface SeedOptions {
  /** Also build the demo network (see seedDemo). */
  demo?: boolean;
}

/** Idempotent: reference data, the plan, the root and staff accounts; the demo network on request. */
export async function seedDatabase(db: Database, options: SeedOptions = {}): Promise<SeededCredentials> {
  await seedReference(db);
  await seedPlan(db);
  const credentials = await seedAccounts(db);
  if (options.demo) {
    const { seedDemo } = await import("./demo");
    await seedDemo(db);
  }
  return credentials;
}
