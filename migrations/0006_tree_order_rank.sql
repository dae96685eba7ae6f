-- order_rank: a row's place among the rows of its depth in page order (enrolled_at, member_code),
-- from 0, computed by each renumbering with the rest of the numbering. A page of one whole level
-- of the network (the company root's downline by level) starts at a rank instead of skipping up to
-- tens of thousands of index entries with OFFSET (src/members/whole-level.ts).
ALTER TABLE "tree_position_0" ADD COLUMN "order_rank" integer;
--> statement-breakpoint
ALTER TABLE "tree_position_1" ADD COLUMN "order_rank" integer;
--> statement-breakpoint
UPDATE "tree_position_0" p SET "order_rank" = r."rank"
FROM (SELECT "member_id", (row_number() OVER (PARTITION BY "depth" ORDER BY "enrolled_at", "member_code") - 1)::int AS "rank" FROM "tree_position_0") r
WHERE r."member_id" = p."member_id";
--> statement-breakpoint
UPDATE "tree_position_1" p SET "order_rank" = r."rank"
FROM (SELECT "member_id", (row_number() OVER (PARTITION BY "depth" ORDER BY "enrolled_at", "member_code") - 1)::int AS "rank" FROM "tree_position_1") r
WHERE r."member_id" = p."member_id";
--> statement-breakpoint
ALTER TABLE "tree_position_0" ALTER COLUMN "order_rank" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "tree_position_1" ALTER COLUMN "order_rank" SET NOT NULL;
--> statement-breakpoint
CREATE INDEX "tree_position_0_order_rank" ON "tree_position_0" ("depth", "order_rank") INCLUDE ("member_id", "moved");
--> statement-breakpoint
CREATE INDEX "tree_position_1_order_rank" ON "tree_position_1" ("depth", "order_rank") INCLUDE ("member_id", "moved");
