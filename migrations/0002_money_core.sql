CREATE TABLE "ledger_account" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ledger_account_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"member_id" integer,
	"currency" char(3) NOT NULL,
	"balance" numeric(18, 2),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_account_owner" UNIQUE NULLS NOT DISTINCT("member_id","kind","currency"),
	CONSTRAINT "ledger_account_id_currency" UNIQUE("id","currency"),
	CONSTRAINT "ledger_account_kind" CHECK ("ledger_account"."kind" in ('member_available','member_hold','member_receivable','bonus_expense','order_revenue','payout_clearing','fee_revenue')),
	CONSTRAINT "ledger_account_shape" CHECK (("ledger_account"."member_id" is not null) = ("ledger_account"."kind" in ('member_available','member_hold','member_receivable')) and ("ledger_account"."balance" is not null) = ("ledger_account"."member_id" is not null)),
	CONSTRAINT "ledger_account_available_nonnegative" CHECK ("ledger_account"."kind" <> 'member_available' or "ledger_account"."balance" >= 0),
	CONSTRAINT "ledger_account_hold_nonnegative" CHECK ("ledger_account"."kind" <> 'member_hold' or "ledger_account"."balance" >= 0),
	CONSTRAINT "ledger_account_receivable_nonpositive" CHECK ("ledger_account"."kind" <> 'member_receivable' or "ledger_account"."balance" <= 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_entry" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ledger_entry_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"transaction_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"balance_after" numeric(18, 2),
	CONSTRAINT "ledger_entry_nonzero" CHECK ("ledger_entry"."amount" <> 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_transaction" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ledger_transaction_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"natural_key" text NOT NULL,
	"kind" text NOT NULL,
	"reference" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_transaction_natural_key_unique" UNIQUE("natural_key"),
	CONSTRAINT "ledger_transaction_kind" CHECK ("ledger_transaction"."kind" in ('commission_payout','commission_clawback','withdrawal_hold','withdrawal_release','withdrawal_payout','order_payment','order_refund'))
);
--> statement-breakpoint
CREATE TABLE "commission_line" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "commission_line_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"natural_key" text NOT NULL,
	"receiver_id" integer NOT NULL,
	"bonus_type" text NOT NULL,
	"source_member_id" integer,
	"order_id" bigint,
	"period" char(7) NOT NULL,
	"level" smallint,
	"origin_amount" numeric(18, 2) NOT NULL,
	"origin_currency" char(3) NOT NULL,
	"rate" numeric(24, 12) NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"currency" char(3) NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"revoked_amount" numeric(18, 2) DEFAULT '0' NOT NULL,
	"payable_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"paid_at" timestamp with time zone,
	"paid_transaction_id" bigint,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "commission_line_natural_key_unique" UNIQUE("natural_key"),
	CONSTRAINT "commission_line_bonus_type" CHECK ("commission_line"."bonus_type" in ('direct','fast_start','unilevel','achievement','matching','car')),
	CONSTRAINT "commission_line_status" CHECK ("commission_line"."status" in ('pending','paid','cancelled','reversed')),
	CONSTRAINT "commission_line_nonzero" CHECK ("commission_line"."amount" <> 0 and "commission_line"."origin_amount" <> 0 and "commission_line"."rate" > 0),
	CONSTRAINT "commission_line_paid_shape" CHECK (("commission_line"."status" in ('paid','reversed')) = ("commission_line"."paid_at" is not null and "commission_line"."paid_transaction_id" is not null)),
	CONSTRAINT "commission_line_revoked" CHECK (abs("commission_line"."revoked_amount") <= abs("commission_line"."amount") and "commission_line"."revoked_amount" * "commission_line"."amount" >= 0
          and ("commission_line"."status" in ('cancelled','reversed')) = ("commission_line"."revoked_amount" = "commission_line"."amount"))
);
--> statement-breakpoint
CREATE TABLE "commission_revocation" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "commission_revocation_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"line_id" bigint NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"transaction_id" bigint,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "commission_revocation_event" UNIQUE("line_id","key"),
	CONSTRAINT "commission_revocation_kind" CHECK (("commission_revocation"."kind" = 'clawback') = ("commission_revocation"."transaction_id" is not null) and "commission_revocation"."kind" in ('cancel','clawback')),
	CONSTRAINT "commission_revocation_nonzero" CHECK ("commission_revocation"."amount" <> 0)
);
--> statement-breakpoint
CREATE TABLE "bank_account" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "bank_account_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"member_id" integer NOT NULL,
	"country" char(2) NOT NULL,
	"bank_name" text NOT NULL,
	"holder_name" text NOT NULL,
	"last4" char(4) NOT NULL,
	"sealed_details" text NOT NULL,
	"key_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bank_account_member_fingerprint" UNIQUE("member_id","fingerprint")
);
--> statement-breakpoint
CREATE TABLE "withdrawal" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "withdrawal_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"member_id" integer NOT NULL,
	"bank_account_id" bigint NOT NULL,
	"currency" char(3) NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"fee" numeric(18, 2) NOT NULL,
	"net" numeric(18, 2) NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"flagged" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"approved_at" timestamp with time zone,
	"approved_by" integer,
	"processed_at" timestamp with time zone,
	"processed_by" integer,
	"rejected_at" timestamp with time zone,
	"rejected_by" integer,
	"reject_reason" text,
	"cancelled_at" timestamp with time zone,
	CONSTRAINT "withdrawal_status" CHECK ("withdrawal"."status" in ('pending','approved','processed','rejected','cancelled')),
	CONSTRAINT "withdrawal_amounts" CHECK ("withdrawal"."amount" > 0 and "withdrawal"."fee" >= 0 and "withdrawal"."net" > 0 and "withdrawal"."net" = "withdrawal"."amount" - "withdrawal"."fee"),
	CONSTRAINT "withdrawal_state_shape" CHECK (("withdrawal"."status" <> 'approved' or "withdrawal"."approved_at" is not null)
          and ("withdrawal"."status" <> 'processed' or ("withdrawal"."approved_at" is not null and "withdrawal"."processed_at" is not null))
          and ("withdrawal"."status" <> 'rejected' or ("withdrawal"."rejected_at" is not null and "withdrawal"."reject_reason" is not null))
          and ("withdrawal"."status" <> 'cancelled' or "withdrawal"."cancelled_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "ledger_account" ADD CONSTRAINT "ledger_account_member_id_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_account" ADD CONSTRAINT "ledger_account_currency_currency_code_fk" FOREIGN KEY ("currency") REFERENCES "public"."currency"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entry" ADD CONSTRAINT "ledger_entry_transaction_id_ledger_transaction_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."ledger_transaction"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entry" ADD CONSTRAINT "ledger_entry_account" FOREIGN KEY ("account_id","currency") REFERENCES "public"."ledger_account"("id","currency") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_line" ADD CONSTRAINT "commission_line_receiver_id_member_id_fk" FOREIGN KEY ("receiver_id") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_line" ADD CONSTRAINT "commission_line_source_member_id_member_id_fk" FOREIGN KEY ("source_member_id") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_line" ADD CONSTRAINT "commission_line_origin_currency_currency_code_fk" FOREIGN KEY ("origin_currency") REFERENCES "public"."currency"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_line" ADD CONSTRAINT "commission_line_currency_currency_code_fk" FOREIGN KEY ("currency") REFERENCES "public"."currency"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_line" ADD CONSTRAINT "commission_line_paid_transaction_id_ledger_transaction_id_fk" FOREIGN KEY ("paid_transaction_id") REFERENCES "public"."ledger_transaction"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_revocation" ADD CONSTRAINT "commission_revocation_line_id_commission_line_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."commission_line"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commission_revocation" ADD CONSTRAINT "commission_revocation_transaction_id_ledger_transaction_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."ledger_transaction"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_account" ADD CONSTRAINT "bank_account_member_id_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_account" ADD CONSTRAINT "bank_account_country_country_code_fk" FOREIGN KEY ("country") REFERENCES "public"."country"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "withdrawal" ADD CONSTRAINT "withdrawal_member_id_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "withdrawal" ADD CONSTRAINT "withdrawal_bank_account_id_bank_account_id_fk" FOREIGN KEY ("bank_account_id") REFERENCES "public"."bank_account"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "withdrawal" ADD CONSTRAINT "withdrawal_currency_currency_code_fk" FOREIGN KEY ("currency") REFERENCES "public"."currency"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "withdrawal" ADD CONSTRAINT "withdrawal_approved_by_member_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "withdrawal" ADD CONSTRAINT "withdrawal_processed_by_member_id_fk" FOREIGN KEY ("processed_by") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "withdrawal" ADD CONSTRAINT "withdrawal_rejected_by_member_id_fk" FOREIGN KEY ("rejected_by") REFERENCES "public"."member"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_entry_account_history" ON "ledger_entry" USING btree ("account_id","id");--> statement-breakpoint
CREATE INDEX "ledger_entry_transaction" ON "ledger_entry" USING btree ("transaction_id");--> statement-breakpoint
CREATE INDEX "commission_line_payable" ON "commission_line" USING btree ("payable_at","id") WHERE "commission_line"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "commission_line_receiver" ON "commission_line" USING btree ("receiver_id","period");--> statement-breakpoint
CREATE INDEX "commission_line_order" ON "commission_line" USING btree ("order_id") WHERE "commission_line"."order_id" is not null;--> statement-breakpoint
CREATE INDEX "bank_account_member" ON "bank_account" USING btree ("member_id","changed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "withdrawal_one_open" ON "withdrawal" USING btree ("member_id") WHERE "withdrawal"."status" in ('pending','approved');--> statement-breakpoint
CREATE INDEX "withdrawal_member_created" ON "withdrawal" USING btree ("member_id","created_at");--> statement-breakpoint
CREATE INDEX "withdrawal_created" ON "withdrawal" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "withdrawal_status_created" ON "withdrawal" USING btree ("status","created_at");