/**
 * Pre-order numbering of a forest given as parallel arrays (`ids[i]` sponsored by `sponsorIds[i]`,
 * 0 for a root). Iterative over typed arrays: chains are thousands deep, far beyond any call stack.
 * Children are visited in input order (callers pass ids ascending: enrolment order). Ids are
 * positive integers (member ids).
 *
 * Invariants of the result, for node i:
 * - its subtree is exactly the nodes whose lft lies in [lft[i], lft[i] + size[i]);
 * - levelRank[i] counts the nodes of the same depth with a smaller lft, so the nodes of depth t
 *   with lft in [a, b) number rank(first lft >= b) - rank(first lft >= a): a count in two lookups.
 */
export interface Preorder {
  /** Input indexes in pre-order: node order[k] has lft k + 1. */
  order: Int32Array;
  lft: Int32Array;
  /** Subtree size, the node included. */
  size: Int32Array;
  /** Roots 0. */
  depth: Int32Array;
  levelRank: Int32Array;
}

export function preorder(ids: Int32Array, sponsorIds: Int32Array): Preorder {
  const count = ids.length;
  // Ids are a dense-enough sequence to index an array by (far cheaper than a Map of a million keys).
  const indexOf = new Int32Array(ids.reduce((max, id) => Math.max(max, id), 0) + 1).fill(-1);
  for (let i = 0; i < count; i += 1) indexOf[ids[i]!] = i;

  // Children in compressed form: the children of node i are childList[firstChild[i] .. firstChild[i + 1]).
  const parent = new Int32Array(count).fill(-1);
  const firstChild = new Int32Array(count + 1);
  for (let i = 0; i < count; i += 1) {
    if (sponsorIds[i] === 0) continue;
    const p = indexOf[sponsorIds[i]!] ?? -1;
    if (p < 0) throw new Error(`preorder: member ${ids[i]} has a sponsor ${sponsorIds[i]} outside the snapshot`);
    parent[i] = p;
    firstChild[p + 1]! += 1;
  }
  for (let i = 0; i < count; i += 1) firstChild[i + 1]! += firstChild[i]!;
  const childList = new Int32Array(count);
  const filled = firstChild.slice(0, count);
  for (let i = 0; i < count; i += 1) if (parent[i]! >= 0) childList[filled[parent[i]!]!++] = i;

  // Depth-first with an explicit stack; children pushed in reverse so the first child is visited first.
  const order = new Int32Array(count);
  const lft = new Int32Array(count);
  const depth = new Int32Array(count);
  const stack = new Int32Array(count);
  let visited = 0;
  for (let root = 0; root < count; root += 1) {
    if (parent[root] !== -1) continue;
    let top = 0;
    stack[top++] = root;
    while (top > 0) {
      const node = stack[--top]!;
      order[visited++] = node;
      lft[node] = visited;
      if (parent[node]! >= 0) depth[node] = depth[parent[node]!]! + 1;
      for (let c = firstChild[node + 1]! - 1; c >= firstChild[node]!; c -= 1) stack[top++] = childList[c]!;
    }
  }
  if (visited !== count) throw new Error("preorder: the sponsor links contain a cycle");

  // Sizes bottom-up (in reverse pre-order every child comes before its parent); ranks top-down.
  const size = new Int32Array(count).fill(1);
  for (let k = count - 1; k >= 0; k -= 1) {
    const node = order[k]!;
    if (parent[node]! >= 0) size[parent[node]!]! += size[node]!;
  }
  const levelRank = new Int32Array(count);
  const seenAtDepth: number[] = [];
  for (let k = 0; k < count; k += 1) {
    const node = order[k]!;
    levelRank[node] = seenAtDepth[depth[node]!] ?? 0;
    seenAtDepth[depth[node]!] = levelRank[node]! + 1;
  }
  return { order, lft, size, depth, levelRank };
}
