-- A numbering's rows cut in page order into chunks of 256 rows: each depth's rows by order_rank, and
-- every row below the root by network_rank (depth -1). Each chunk holds the lft of its rows, sorted.
-- How many of a chunk's rows lie below a member is then two binary searches (width_bucket over the
-- member's lft range), so a page deep into a large subtree's level (or whole downline) is found by
-- counting the chunks and skipping less than one chunk's rows, instead of skipping up to tens of
-- thousands of rows with OFFSET (src/members/level-chunks.ts). Derived data: each renumbering
-- rebuilds the chunks of the table it fills, in the same transaction.
CREATE TABLE "tree_level_chunk" (
	"slot" smallint NOT NULL CHECK ("slot" IN (0, 1)),
	"depth" integer NOT NULL,
	"first_rank" integer NOT NULL,
	"lfts" integer[] NOT NULL,
	PRIMARY KEY ("slot", "depth", "first_rank")
);
--> statement-breakpoint
-- The live numbering's chunks, as the next renumbering would build them (256 = LEVEL_CHUNK_ROWS).
INSERT INTO "tree_level_chunk" ("slot", "depth", "first_rank", "lfts")
SELECT 0, "depth", min("order_rank"), array_agg("lft" ORDER BY "lft") FROM "tree_position_0"
WHERE (SELECT "active_slot" FROM "tree_numbering") = 0 GROUP BY "depth", "order_rank" / 256;
--> statement-breakpoint
INSERT INTO "tree_level_chunk" ("slot", "depth", "first_rank", "lfts")
SELECT 1, "depth", min("order_rank"), array_agg("lft" ORDER BY "lft") FROM "tree_position_1"
WHERE (SELECT "active_slot" FROM "tree_numbering") = 1 GROUP BY "depth", "order_rank" / 256;
--> statement-breakpoint
INSERT INTO "tree_level_chunk" ("slot", "depth", "first_rank", "lfts")
SELECT 0, -1, min("network_rank"), array_agg("lft" ORDER BY "lft") FROM "tree_position_0"
WHERE (SELECT "active_slot" FROM "tree_numbering") = 0 AND "network_rank" IS NOT NULL GROUP BY "network_rank" / 256;
--> statement-breakpoint
INSERT INTO "tree_level_chunk" ("slot", "depth", "first_rank", "lfts")
SELECT 1, -1, min("network_rank"), array_agg("lft" ORDER BY "lft") FROM "tree_position_1"
WHERE (SELECT "active_slot" FROM "tree_numbering") = 1 AND "network_rank" IS NOT NULL GROUP BY "network_rank" / 256;
--> statement-breakpoint
-- A page found by the chunks walks the rows in rank order from its chunk's first row, keeping those
-- in the member's range: lft joins the rank indexes, so that walk never visits the table.
DROP INDEX "tree_position_0_order_rank";
--> statement-breakpoint
DROP INDEX "tree_position_1_order_rank";
--> statement-breakpoint
CREATE INDEX "tree_position_0_order_rank" ON "tree_position_0" ("depth", "order_rank") INCLUDE ("member_id", "moved", "lft");
--> statement-breakpoint
CREATE INDEX "tree_position_1_order_rank" ON "tree_position_1" ("depth", "order_rank") INCLUDE ("member_id", "moved", "lft");
--> statement-breakpoint
DROP INDEX "tree_position_0_network_rank";
--> statement-breakpoint
DROP INDEX "tree_position_1_network_rank";
--> statement-breakpoint
CREATE INDEX "tree_position_0_network_rank" ON "tree_position_0" ("network_rank") INCLUDE ("member_id", "moved", "lft") WHERE "network_rank" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "tree_position_1_network_rank" ON "tree_position_1" ("network_rank") INCLUDE ("member_id", "moved", "lft") WHERE "network_rank" IS NOT NULL;
