CREATE TABLE "cashback_credit" (
	"member_id" integer NOT NULL,
	"period" char(7) NOT NULL,
	"currency" char(3) NOT NULL,
	"percent" numeric(7, 4) NOT NULL,
	"cap" numeric(14, 2) NOT NULL,
	"status" text DEFAULT 'available' NOT NULL,
	"earned_order_id" bigint NOT NULL,
	"reserved_order_id" bigint,
	"discount" numeric(14, 2),
	"granted_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"reserved_at" timestamp with time zone,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "cashback_credit_member_id_period_pk" PRIMARY KEY("member_id","period"),
	CONSTRAINT "cashback_credit_status" CHECK ("cashback_credit"."status" in ('available','reserved','used','revoked')),
	CONSTRAINT "cashback_credit_shape" CHECK (("cashback_credit"."status" in ('reserved','used')) = ("cashback_credit"."reserved_order_id" is not null and "cashback_credit"."discount" is not null and "cashback_credit"."reserved_at" is not null)
          and ("cashback_credit"."status" = 'used') = ("cashback_credit"."used_at" is not null)
          and ("cashback_credit"."status" = 'revoked') = ("cashback_credit"."revoked_at" is not null)
          and "cashback_credit"."reserved_order_id" is distinct from "cashback_credit"."earned_order_id"
          and "cashback_credit"."cap" > 0 and coalesce("cashback_credit"."discount", 0) between 0 and "cashback_credit"."cap")
);
--> statement-breakpoint
CREATE TABLE "order_refund" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "order_refund_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"order_id" bigint NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"refunded_total" numeric(14, 2) NOT NULL,
	"fraction" numeric(13, 12) NOT NULL,
	"order_period" char(7) NOT NULL,
	"period_closed" boolean NOT NULL,
	"settle_period" char(7),
	"created_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "order_refund_event" UNIQUE("order_id","key"),
	CONSTRAINT "order_refund_amounts" CHECK ("order_refund"."amount" > 0 and "order_refund"."refunded_total" >= "order_refund"."amount" and "order_refund"."fraction" >= 0 and "order_refund"."fraction" <= 1),
	CONSTRAINT "order_refund_settle_shape" CHECK ("order_refund"."period_closed" = ("order_refund"."settle_period" is not null) and ("order_refund"."settled_at" is null or "order_refund"."period_closed"))
);
--> statement-breakpoint
CREATE TABLE "loyalty_gift" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "loyalty_gift_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"member_id" integer NOT NULL,
	"month" char(7) NOT NULL,
	"points" integer NOT NULL,
	"choice" text,
	"earned_at" timestamp with time zone NOT NULL,
	"chosen_at" timestamp with time zone,
	"fulfilled_at" timestamp with time zone,
	CONSTRAINT "loyalty_gift_member_month" UNIQUE("member_id","month"),
	CONSTRAINT "loyalty_gift_choice" CHECK ("loyalty_gift"."choice" is null or "loyalty_gift"."choice" in ('five_supplements','three_serums_two_creams')),
	CONSTRAINT "loyalty_gift_shape" CHECK (("loyalty_gift"."choice" is null) = ("loyalty_gift"."chosen_at" is null) and ("loyalty_gift"."fulfilled_at" is null or "loyalty_gift"."choice" is not null))
);
--> statement-breakpoint
CREATE TABLE "loyalty_month" (
	"member_id" integer NOT NULL,
	"month" char(7) NOT NULL,
	"points" integer NOT NULL,
	"order_id" bigint NOT NULL,
	"earned_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loyalty_month_member_id_month_pk" PRIMARY KEY("member_id","month"),
	CONSTRAINT "loyalty_month_points" CHECK ("loyalty_month"."points" > 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_points" (
	"member_id" integer PRIMARY KEY NOT NULL,
	"points" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loyalty_points_nonnegative" CHECK ("loyalty_points"."points" >= 0)
);
--> statement-breakpoint
CREATE TABLE "kit_claim" (
	"member_id" integer PRIMARY KEY NOT NULL,
	"order_id" bigint NOT NULL,
	CONSTRAINT "kit_claim_order_id_unique" UNIQUE("order_id")
);
--> statement-breakpoint
CREATE TABLE "order_line" (
	"order_id" bigint NOT NULL,
	"line_no" smallint NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price" numeric(14, 2) NOT NULL,
	"unit_pv" numeric(12, 2) NOT NULL,
	"unit_vn" numeric(14, 2) NOT NULL,
	CONSTRAINT "order_line_order_id_line_no_pk" PRIMARY KEY("order_id","line_no"),
	CONSTRAINT "order_line_quantity" CHECK ("order_line"."quantity" between 1 and 99),
	CONSTRAINT "order_line_kit" CHECK ("order_line"."kind" in ('kit','product') and ("order_line"."kind" = 'product' or ("order_line"."quantity" = 1 and "order_line"."unit_vn" = 0)))
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "orders_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"member_id" integer NOT NULL,
	"status" text DEFAULT 'pending_payment' NOT NULL,
	"currency" char(3) NOT NULL,
	"subtotal" numeric(14, 2) NOT NULL,
	"discount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"total" numeric(14, 2) NOT NULL,
	"pv" numeric(14, 2) NOT NULL,
	"vn" numeric(14, 2) NOT NULL,
	"has_kit" boolean NOT NULL,
	"payment_method" text NOT NULL,
	"payment_intent_id" text,
	"payment_reference" text,
	"payment_error" text,
	"period" char(7),
	"arrived_late" boolean DEFAULT false NOT NULL,
	"refunded_amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	"dispute_status" text,
	"created_at" timestamp with time zone NOT NULL,
	"payment_confirmed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "orders_payment_intent_id_unique" UNIQUE("payment_intent_id"),
	CONSTRAINT "orders_status" CHECK ("orders"."status" in ('pending_payment','paid','fulfilled','refunded','partially_refunded','cancelled','payment_failed')),
	CONSTRAINT "orders_payment_method" CHECK ("orders"."payment_method" in ('card','wallet','manual')),
	CONSTRAINT "orders_dispute_status" CHECK ("orders"."dispute_status" is null or "orders"."dispute_status" in ('open','won','lost','closed')),
	CONSTRAINT "orders_amounts" CHECK ("orders"."subtotal" >= 0 and "orders"."discount" >= 0 and "orders"."total" = "orders"."subtotal" - "orders"."discount" and "orders"."total" >= 0),
	CONSTRAINT "orders_refund_bounds" CHECK ("orders"."refunded_amount" >= 0 and "orders"."refunded_amount" <= "orders"."total"),
	CONSTRAINT "orders_confirmed_shape" CHECK (("orders"."payment_confirmed_at" is null) = ("orders"."period" is null)),
	CONSTRAINT "orders_status_confirmed" CHECK (("orders"."status" in ('paid','fulfilled','partially_refunded','refunded')) = ("orders"."payment_confirmed_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "stripe_event" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"order_id" bigint,
	"outcome" text NOT NULL,
	"detail" text,
	"payload" jsonb NOT NULL,
	"stripe_created_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"applied_at" timestamp with time zone,
	CONSTRAINT "stripe_event_outcome" CHECK ("stripe_event"."outcome" in ('applied','deferred','ignored','needs_review'))
);
--> statement-breakpoint
CREATE TABLE "period" (
	"period" char(7) PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "period_format" CHECK ("period"."period" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "period_status" CHECK ("period"."status" in ('open','closed')),
	CONSTRAINT "period_closed_shape" CHECK (("period"."status" = 'closed') = ("period"."closed_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "cashback_credit" ADD CONSTRAINT "cashback_credit_member_id_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cashback_credit" ADD CONSTRAINT "cashback_credit_currency_currency_code_fk" FOREIGN KEY ("currency") REFERENCES "public"."currency"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cashback_credit" ADD CONSTRAINT "cashback_credit_earned_order_id_orders_id_fk" FOREIGN KEY ("earned_order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cashback_credit" ADD CONSTRAINT "cashback_credit_reserved_order_id_orders_id_fk" FOREIGN KEY ("reserved_order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_refund" ADD CONSTRAINT "order_refund_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_gift" ADD CONSTRAINT "loyalty_gift_member_id_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_month" ADD CONSTRAINT "loyalty_month_member_id_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_month" ADD CONSTRAINT "loyalty_month_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_points" ADD CONSTRAINT "loyalty_points_member_id_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kit_claim" ADD CONSTRAINT "kit_claim_member_id_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kit_claim" ADD CONSTRAINT "kit_claim_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_line" ADD CONSTRAINT "order_line_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_line" ADD CONSTRAINT "order_line_sku_product_sku_fk" FOREIGN KEY ("sku") REFERENCES "public"."product"("sku") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_member_id_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_currency_currency_code_fk" FOREIGN KEY ("currency") REFERENCES "public"."currency"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_event" ADD CONSTRAINT "stripe_event_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "cashback_credit_reserved_order" ON "cashback_credit" USING btree ("reserved_order_id") WHERE "cashback_credit"."reserved_order_id" is not null;--> statement-breakpoint
CREATE INDEX "cashback_credit_earned_order" ON "cashback_credit" USING btree ("earned_order_id");--> statement-breakpoint
CREATE INDEX "order_refund_unsettled" ON "order_refund" USING btree ("settle_period","id") WHERE "order_refund"."settle_period" is not null and "order_refund"."settled_at" is null;--> statement-breakpoint
CREATE INDEX "orders_member_created" ON "orders" USING btree ("member_id","created_at");--> statement-breakpoint
CREATE INDEX "orders_period_member" ON "orders" USING btree ("period","member_id") WHERE "orders"."period" is not null;--> statement-breakpoint
CREATE INDEX "orders_status_created" ON "orders" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "orders_created" ON "orders" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "stripe_event_deferred" ON "stripe_event" USING btree ("order_id","stripe_created_at") WHERE "stripe_event"."outcome" = 'deferred';--> statement-breakpoint
CREATE INDEX "stripe_event_review" ON "stripe_event" USING btree ("received_at") WHERE "stripe_event"."outcome" = 'needs_review';