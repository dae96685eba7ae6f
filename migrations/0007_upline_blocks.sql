-- upline_block: the upline precomputed in blocks of 64 levels, so reading the upline of a member
-- 2,000 levels deep takes about 32 block reads instead of 2,000 index descents
-- (src/members/upline.ts, src/members/upline-blocks.ts). A block is keyed by a member whose depth is
-- a positive multiple of 64 and holds that member and the 63 ancestors above it, nearest first: their
-- ids, and their items as JSON text, [[member code, name, career rank code], ...].
-- Blocks are derived data. A scheduled run builds the missing ones; a reader looks up one by one
-- the levels no block covers. The triggers below drop every block that a change would make wrong.
CREATE TABLE "upline_block" (
	"member_id" integer PRIMARY KEY NOT NULL REFERENCES "member" ("id") ON DELETE CASCADE,
	"member_ids" integer[] NOT NULL,
	"items" text NOT NULL
);
--> statement-breakpoint
-- Without the pending list: a promotion's lookup would scan it whole until a vacuum merged it.
CREATE INDEX "upline_block_members" ON "upline_block" USING gin ("member_ids") WITH (fastupdate = off);
--> statement-breakpoint
-- The members who key a block (64 = UPLINE_BLOCK_LEVELS in src/members/upline-blocks.ts).
CREATE INDEX "member_upline_block_key" ON "member" ("id") WHERE "depth" > 0 AND "depth" % 64 = 0;
--> statement-breakpoint
-- Every change that drops blocks first takes the blocks lock shared: a build holds it exclusive
-- from before it reads until it commits, so a block is never built from a member row that a
-- transaction still in flight has changed (that transaction's delete would not see the new block).
CREATE FUNCTION "upline_block_drop_holding"() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM pg_advisory_xact_lock_shared(hashtext('nnp:tree:upline-blocks'));
		DELETE FROM upline_block WHERE member_ids @> ARRAY[NEW.id];
		RETURN NULL;
	END
$$;
--> statement-breakpoint
CREATE TRIGGER "member_upline_item_changed" AFTER UPDATE OF "member_code", "first_name", "last_name", "career_rank" ON "member"
	FOR EACH ROW WHEN (OLD."member_code" IS DISTINCT FROM NEW."member_code" OR OLD."first_name" IS DISTINCT FROM NEW."first_name"
		OR OLD."last_name" IS DISTINCT FROM NEW."last_name" OR OLD."career_rank" IS DISTINCT FROM NEW."career_rank")
	EXECUTE FUNCTION "upline_block_drop_holding"();
--> statement-breakpoint
-- A moved member's block is wrong (its ancestors changed), and so is every block holding it; those
-- are keyed by members below it, who moved with it. Each moved row drops its own block.
CREATE FUNCTION "upline_block_drop_keyed"() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM pg_advisory_xact_lock_shared(hashtext('nnp:tree:upline-blocks'));
		DELETE FROM upline_block WHERE member_id = NEW.id;
		RETURN NULL;
	END
$$;
--> statement-breakpoint
CREATE TRIGGER "member_upline_moved" AFTER UPDATE OF "path" ON "member"
	FOR EACH ROW EXECUTE FUNCTION "upline_block_drop_keyed"();
