import type { Database } from "../db/client";
import { awaitDurable } from "../db/durable-commit";
import { foldVolumes } from "../volumes/fold";

/**
 * What every caller of confirmPayment or applyRefund does after its transaction commits, before it
 * answers anyone: folds the volume it added into the upline (decision 010), then waits until all of
 * it is on disk (decision 009). A caller that dies in between leaves its events to the next fold or
 * to the scheduled sweep: volume is late, never lost or counted twice.
 */
export async function settleConfirmations(db: Database): Promise<void> {
  await foldVolumes(db);
  await awaitDurable(db);
}
