-- Hand-written: the genealogy's read structures (docs/decisions/001-tree-storage.md). drizzle-kit
-- cannot express covering and partial indexes, statement triggers or twin tables, so none of this is
-- declared in src/**/*.sql.ts; src/members/tree.ts and renumber.ts read and write it in raw SQL.
-- member.path/depth stay the truth; everything here is derived from them and can be rebuilt.

-- Network members as a renumbering and an upline read them (sponsor links, codes, names), without
-- visiting the wide member rows: both are index-only scans of this.
CREATE INDEX "member_network" ON "member" ("id") INCLUDE ("sponsor_id", "depth", "enrolled_at", "member_code", "first_name", "last_name", "career_rank") WHERE "path" IS NOT NULL;
--> statement-breakpoint
-- Downline search ("part of the name or member code", case-insensitive) over a large network:
-- trigram indexes on the very expressions the searches compare.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX "member_name_search" ON "member" USING gin (lower("first_name" || ' ' || "last_name") gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX "member_code_search" ON "member" USING gin (lower("member_code") gin_trgm_ops);
--> statement-breakpoint
-- Which of the two numbering tables is live. Readers read it first, then touch only that table.
CREATE TABLE "tree_numbering" (
	"singleton" boolean PRIMARY KEY DEFAULT true CHECK ("singleton"),
	"active_slot" smallint NOT NULL CHECK ("active_slot" IN (0, 1)),
	"generation" integer NOT NULL,
	"numbered_at" timestamp with time zone,
	"members" integer NOT NULL
);
--> statement-breakpoint
INSERT INTO "tree_numbering" ("active_slot", "generation", "members") VALUES (0, 0, 0);
--> statement-breakpoint
-- A pre-order numbering of one snapshot of the tree. A renumbering refills the idle table (indexes
-- dropped during the load and rebuilt from these very definitions) and then makes it the live one.
-- moved: the member was moved after this numbering; its row no longer describes the tree.
CREATE TABLE "tree_position_0" (
	"member_id" integer NOT NULL,
	"depth" integer NOT NULL,
	"lft" integer NOT NULL,
	"size" integer NOT NULL,
	"level_rank" integer NOT NULL,
	"enrolled_at" timestamp with time zone NOT NULL,
	"member_code" text NOT NULL,
	"moved" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tree_position_1" (LIKE "tree_position_0" INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
--> statement-breakpoint
-- A member's own numbers; in member order, also the side of a merge join with member_volume.
CREATE UNIQUE INDEX "tree_position_0_member" ON "tree_position_0" ("member_id") INCLUDE ("depth", "lft", "size", "moved");
--> statement-breakpoint
CREATE UNIQUE INDEX "tree_position_1_member" ON "tree_position_1" ("member_id") INCLUDE ("depth", "lft", "size", "moved");
--> statement-breakpoint
-- One level of a subtree is a contiguous (depth, lft) range: counts (level_rank) and small pages.
CREATE INDEX "tree_position_0_level" ON "tree_position_0" ("depth", "lft") INCLUDE ("level_rank", "enrolled_at", "member_code", "member_id", "moved");
--> statement-breakpoint
CREATE INDEX "tree_position_1_level" ON "tree_position_1" ("depth", "lft") INCLUDE ("level_rank", "enrolled_at", "member_code", "member_id", "moved");
--> statement-breakpoint
-- A whole subtree is a contiguous lft range: summaries and small whole-downline pages.
CREATE INDEX "tree_position_0_range" ON "tree_position_0" ("lft") INCLUDE ("depth", "enrolled_at", "member_code", "member_id", "moved");
--> statement-breakpoint
CREATE INDEX "tree_position_1_range" ON "tree_position_1" ("lft") INCLUDE ("depth", "enrolled_at", "member_code", "member_id", "moved");
--> statement-breakpoint
-- Pages of large subtrees walk the page order and keep the rows inside the range.
CREATE INDEX "tree_position_0_level_order" ON "tree_position_0" ("depth", "enrolled_at", "member_code") INCLUDE ("lft", "member_id", "moved");
--> statement-breakpoint
CREATE INDEX "tree_position_1_level_order" ON "tree_position_1" ("depth", "enrolled_at", "member_code") INCLUDE ("lft", "member_id", "moved");
--> statement-breakpoint
CREATE INDEX "tree_position_0_order" ON "tree_position_0" ("enrolled_at", "member_code") INCLUDE ("lft", "member_id", "moved");
--> statement-breakpoint
CREATE INDEX "tree_position_1_order" ON "tree_position_1" ("enrolled_at", "member_code") INCLUDE ("lft", "member_id", "moved");
--> statement-breakpoint
-- Moved rows, to subtract from rank-based counts.
CREATE INDEX "tree_position_0_moved" ON "tree_position_0" ("depth", "lft") WHERE "moved";
--> statement-breakpoint
CREATE INDEX "tree_position_1_moved" ON "tree_position_1" ("depth", "lft") WHERE "moved";
--> statement-breakpoint
-- The overlay: network members not (or no longer) numbered by the live numbering, i.e. who joined
-- or were moved since it was computed. Invariant: every network member is in the overlay or has an
-- unmoved row in the live numbering, never both; an overlay member's descendants are in it too. So
-- an overlay member's path is numbered ancestors, then overlay members; anchor_lft is the live lft of
-- the deepest numbered one (null only under a root not yet numbered), and "X is below a numbered M"
-- is "X.anchor_lft is in M's range": an index range, without reading any path.
CREATE TABLE "tree_overlay" (
	"member_id" integer PRIMARY KEY NOT NULL REFERENCES "member" ("id"),
	"depth" integer NOT NULL,
	"enrolled_at" timestamp with time zone NOT NULL,
	"member_code" text NOT NULL,
	"anchor_lft" integer
);
--> statement-breakpoint
CREATE INDEX "tree_overlay_anchor" ON "tree_overlay" ("anchor_lft", "depth") INCLUDE ("member_id", "enrolled_at", "member_code");
--> statement-breakpoint
CREATE INDEX "tree_overlay_level" ON "tree_overlay" ("depth", "enrolled_at", "member_code") INCLUDE ("member_id", "anchor_lft");
--> statement-breakpoint
CREATE INDEX "tree_overlay_order" ON "tree_overlay" ("enrolled_at", "member_code") INCLUDE ("member_id", "depth", "anchor_lft");
--> statement-breakpoint
-- Every new network member enters the overlay with its row, whatever code inserts it (one set-based
-- insert per statement, so bulk loads stay cheap), anchored where its sponsor is: the sponsor's own
-- live lft when numbered, else the sponsor's anchor (also when the sponsor joins in the same
-- statement). The shared tree lock keeps a renumbering from re-anchoring the overlay between this
-- read and the commit (src/members/tree.ts).
CREATE FUNCTION "tree_overlay_add_members"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_advisory_xact_lock_shared(hashtext('nnp:tree:shape'));
	EXECUTE format($sql$
		WITH RECURSIVE placed (id, anchor_lft) AS (
			SELECT j.id, coalesce(p.lft, s.anchor_lft)
			FROM joined j LEFT JOIN tree_position_%s p ON p.member_id = j.sponsor_id AND NOT p.moved LEFT JOIN tree_overlay s ON s.member_id = j.sponsor_id
			WHERE j.path IS NOT NULL AND NOT EXISTS (SELECT 1 FROM joined k WHERE k.id = j.sponsor_id)
			UNION ALL
			SELECT j.id, placed.anchor_lft FROM joined j JOIN placed ON j.sponsor_id = placed.id
		)
		INSERT INTO tree_overlay (member_id, depth, enrolled_at, member_code, anchor_lft)
		SELECT j.id, j.depth, j.enrolled_at, j.member_code, placed.anchor_lft FROM joined j JOIN placed ON placed.id = j.id
	$sql$, (SELECT active_slot FROM tree_numbering));
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "member_joins_overlay" AFTER INSERT ON "member" REFERENCING NEW TABLE AS "joined" FOR EACH STATEMENT EXECUTE FUNCTION "tree_overlay_add_members"();
--> statement-breakpoint
INSERT INTO "tree_overlay" ("member_id", "depth", "enrolled_at", "member_code") SELECT "id", "depth", "enrolled_at", "member_code" FROM "member" WHERE "path" IS NOT NULL;
