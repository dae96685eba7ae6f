/** What a bounded, resumable batch job reports: `done` false when its budget ran out with work left. */
export interface BatchRun {
  done: boolean;
  /** Items handled, over every batch. */
  handled: number;
  durationMs: number;
}

/**
 * Runs `step` (one batch, answering how many items it handled) until a batch comes back short of
 * `batch` (all done) or `budgetMs` has passed: then it stops with `done: false` and the next run
 * goes on. For scheduled functions, which Netlify stops after 30 s.
 */
export async function inBatches(options: { batch: number; budgetMs: number }, step: () => Promise<number>): Promise<BatchRun> {
  const started = performance.now();
  let handled = 0;
  for (;;) {
    const count = await step();
    handled += count;
    // The budget is checked on the exact time: rounded, a batch under half a millisecond would
    // count as none, and a budget of 0 would not stop the run.
    const elapsed = performance.now() - started;
    if (count < options.batch) return { done: true, handled, durationMs: Math.round(elapsed) };
    if (elapsed >= options.budgetMs) return { done: false, handled, durationMs: Math.round(elapsed) };
  }
}
