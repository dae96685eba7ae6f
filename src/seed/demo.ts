import type { Database } from "../db/client";

/** The demo network; filled in once members and orders exist. */
export async function seedDemo(_db: Database): Promise<void> {}
