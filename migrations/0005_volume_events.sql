CREATE TABLE "depth_volume" (
	"period" char(7) NOT NULL,
	"depth" integer NOT NULL,
	"pv" numeric(16, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "depth_volume_period_depth_pk" PRIMARY KEY("period","depth")
);
--> statement-breakpoint
CREATE TABLE "volume_event" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "volume_event_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"period" char(7) NOT NULL,
	"member_id" integer NOT NULL,
	"order_id" bigint NOT NULL,
	"pv" numeric(14, 2) NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "volume_event" ADD CONSTRAINT "volume_event_member_id_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volume_event" ADD CONSTRAINT "volume_event_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Volume rows are updated over and over (every fold adds to the upline's PVG): room in each page
-- lets those updates stay on the page (HOT), without a new index entry per update.
ALTER TABLE "member_volume" SET (fillfactor = 70);
