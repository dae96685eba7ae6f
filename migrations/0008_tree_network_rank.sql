-- network_rank: a row's place among every row below the company root in page order (enrolled_at,
-- member_code), from 0; null for the root's own row. Computed by each renumbering like order_rank,
-- so a page of the root's whole downline (every level) starts at a rank instead of an OFFSET of up
-- to a million rows (src/members/whole-level.ts).
ALTER TABLE "tree_position_0" ADD COLUMN "network_rank" integer;
--> statement-breakpoint
ALTER TABLE "tree_position_1" ADD COLUMN "network_rank" integer;
--> statement-breakpoint
UPDATE "tree_position_0" p SET "network_rank" = r."rank"
FROM (SELECT "member_id", (row_number() OVER (ORDER BY "enrolled_at", "member_code") - 1)::int AS "rank" FROM "tree_position_0" WHERE "depth" > 0) r
WHERE r."member_id" = p."member_id";
--> statement-breakpoint
UPDATE "tree_position_1" p SET "network_rank" = r."rank"
FROM (SELECT "member_id", (row_number() OVER (ORDER BY "enrolled_at", "member_code") - 1)::int AS "rank" FROM "tree_position_1" WHERE "depth" > 0) r
WHERE r."member_id" = p."member_id";
--> statement-breakpoint
ALTER TABLE "tree_position_0" ADD CONSTRAINT "tree_position_0_network_rank" CHECK (("network_rank" IS NULL) = ("depth" = 0));
--> statement-breakpoint
ALTER TABLE "tree_position_1" ADD CONSTRAINT "tree_position_1_network_rank" CHECK (("network_rank" IS NULL) = ("depth" = 0));
--> statement-breakpoint
CREATE INDEX "tree_position_0_network_rank" ON "tree_position_0" ("network_rank") INCLUDE ("member_id", "moved") WHERE "network_rank" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "tree_position_1_network_rank" ON "tree_position_1" ("network_rank") INCLUDE ("member_id", "moved") WHERE "network_rank" IS NOT NULL;
