import { database, type Database } from "../../src/db/client";

/**
 * Runs `work` in a transaction that stays open after it, holding whatever locks it took, and
 * answers once `work` is done: `commit()` lets the transaction commit; `committed` settles with
 * the result. For tests of what waits on those locks.
 */
export async function heldTransaction<T>(work: (tx: Database) => Promise<T>): Promise<{ commit: () => void; committed: Promise<T> }> {
  let commit!: () => void;
  const mayCommit = new Promise<void>((resolve) => (commit = resolve));
  let workDone!: () => void;
  const done = new Promise<void>((resolve) => (workDone = resolve));
  const committed = (await database()).transaction(async (tx) => {
    const result = await work(tx);
    workDone();
    await mayCommit;
    return result;
  });
  // A failing `work` rejects `committed` before `done` would resolve.
  await Promise.race([done, committed]);
  return { commit, committed };
}
