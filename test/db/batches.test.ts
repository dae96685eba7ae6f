import { afterEach, describe, expect, it, vi } from "vitest";
import { inBatches } from "../../src/db/batches";

// The loop of the bounded, resumable batch jobs (upline blocks, refresh-token cleanup).

/** A job of `items` items, handled `batch` at a time; `msPerBatch` of clock time passes per batch. */
function job(items: number, batch: number, msPerBatch: number) {
  let [left, now] = [items, 1_000];
  vi.spyOn(performance, "now").mockImplementation(() => now);
  const calls: number[] = [];
  const step = async () => {
    const handled = Math.min(batch, left);
    [left, now] = [left - handled, now + msPerBatch];
    calls.push(handled);
    return handled;
  };
  return { step, calls };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("inBatches", () => {
  it("runs batches until one comes back short", async () => {
    const { step, calls } = job(5, 2, 1);
    expect(await inBatches({ batch: 2, budgetMs: 1_000 }, step)).toEqual({ done: true, handled: 5, durationMs: 3 });
    expect(calls).toEqual([2, 2, 1]);
  });

  it("stops once the budget has passed, with work left", async () => {
    const { step, calls } = job(100, 2, 10);
    expect(await inBatches({ batch: 2, budgetMs: 25 }, step)).toEqual({ done: false, handled: 6, durationMs: 30 });
    expect(calls).toEqual([2, 2, 2]);
  });

  it("stops after one batch with a budget of 0, even a batch faster than the clock's rounding", async () => {
    const { step, calls } = job(100, 2, 0.2);
    expect(await inBatches({ batch: 2, budgetMs: 0 }, step)).toEqual({ done: false, handled: 2, durationMs: 0 });
    expect(calls).toEqual([2]);
  });
});
