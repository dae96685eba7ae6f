-- Hand-written: drizzle-kit cannot express partial or covering indexes. See docs/decisions/001-tree-storage.md.
-- Downline pages: one level of a subtree is a contiguous (depth, tree_lft) range.
CREATE INDEX "member_tree_level" ON "member" ("depth", "tree_lft") INCLUDE ("enrolled_at", "member_code") WHERE "tree_lft" IS NOT NULL;
--> statement-breakpoint
-- Subtree totals and per-level counts: a tree_lft range over every depth.
CREATE INDEX "member_tree_range" ON "member" ("tree_lft") INCLUDE ("depth") WHERE "tree_lft" IS NOT NULL;
--> statement-breakpoint
-- The overlay: members who joined or moved since the last renumbering.
CREATE INDEX "member_tree_overlay" ON "member" ("depth") WHERE "tree_lft" IS NULL AND "path" IS NOT NULL;
