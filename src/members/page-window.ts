import { sql, type SQL } from "drizzle-orm";

/** Which rows make one page: a statement selecting their member ids (`page` null when the page is past the end). */
export interface PageWindow {
  total: number;
  page: SQL | null;
  /** The page statement's best plan does not depend on its values (it may be prepared). */
  planIndependent: boolean;
}

/**
 * The page at `at` of a list that is `counts.numbered` rows of the live numbering followed by the
 * `counts.overlay` rows of the overlay matching `overlayRows` (over `o`), which sort after every
 * numbered one (see overlayInterleaves). `numberedFrom(take)` selects the first `take` numbered rows
 * from the page's first.
 */
export function numberedThenOverlay(
  at: { offset: number; pageSize: number },
  counts: { numbered: number; overlay: number },
  numberedFrom: (take: number) => SQL,
  overlayRows: SQL,
): PageWindow {
  const total = counts.numbered + counts.overlay;
  const take = Math.min(at.pageSize, total - at.offset);
  if (take <= 0) return { total, page: null, planIndependent: true };
  const fromNumbered = Math.max(0, Math.min(take, counts.numbered - at.offset));
  const selects: SQL[] = [];
  if (fromNumbered > 0) selects.push(sql`(${numberedFrom(fromNumbered)})`);
  if (take > fromNumbered) {
    selects.push(sql`(select o.member_id as id from tree_overlay o where ${overlayRows} order by o.enrolled_at, o.member_code
                      offset ${Math.max(0, at.offset - counts.numbered)} limit ${take - fromNumbered})`);
  }
  // Each part walks an index in page order from its first row, whatever the values: prepared.
  return { total, page: sql.join(selects, sql` union all `), planIndependent: true };
}

/**
 * Whether an overlay row of `overlayRows` (over `o`) sorts before the last numbered row of
 * `numberedRows` (the one of highest `rank`): then a list is not its numbered rows followed by its
 * overlay rows. New signups never do (they join later); a member moved since the numbering keeps its
 * old instant. Only the first overlay row in page order is compared: one read of an overlay index in
 * that order, not a scan of every overlay row (an hour of signups).
 */
export const overlayInterleaves = (positions: SQL, numberedRows: SQL, rank: SQL, overlayRows: SQL) =>
  sql`exists (select 1 from (select o.enrolled_at, o.member_code from tree_overlay o where ${overlayRows} order by o.enrolled_at, o.member_code limit 1) o
              where (o.enrolled_at, o.member_code) < (select p.enrolled_at, p.member_code from ${positions} p where ${numberedRows}
                                                      order by ${rank} desc limit 1))`;
