-- The overlay rows of one depth anchored in a range, as an index range: how a downline level's count
-- finds them (src/members/downline.ts countBelow) in a statement planned once for every member, where
-- the planner cannot know whether the depth or the anchor range is the narrower (tree_overlay_anchor
-- leads with the anchor, for lists of every depth).
CREATE INDEX "tree_overlay_depth_anchor" ON "tree_overlay" ("depth", "anchor_lft");
