-- Hand-written: the ledger's invariants enforced by the database itself, whatever code writes to
-- it (drizzle-kit cannot express triggers). See docs/decisions/002-ledger-and-locking.md.
--  1. History is immutable: ledger entries and transactions are never updated, deleted or truncated.
--  2. Each INSERT into ledger_entry is balanced: per transaction and currency, its entries sum to 0.
--  3. A cached balance moves only by posting entries, by exactly their amounts, and each entry's
--     balance_after continues its account's running balance (so cache = sum of entries, always).
--  4. Accounts open at zero, change only through 3 (never owner, kind or currency), are never deleted.
-- (No negative available balance is the CHECK ledger_account_available_nonnegative.)
-- Also: member accounts are updated on every posting, and balance is in no index: room left in
-- each page lets those updates be HOT (no index writes, no table bloat between vacuums).
ALTER TABLE ledger_account SET (fillfactor = 70);
--> statement-breakpoint
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation', CONSTRAINT = TG_TABLE_NAME || '_append_only';
END $$;
--> statement-breakpoint
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_entry
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ledger_transaction
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
CREATE TRIGGER ledger_account_append_only BEFORE DELETE OR TRUNCATE ON ledger_account
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
--> statement-breakpoint
-- Only ledger_entry_apply (a trigger: depth 1) may update an account, and only its balance; any
-- direct UPDATE (depth 0) is refused. WHEN keeps the legitimate path free of a per-row call.
CREATE FUNCTION ledger_account_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a ledger account changes only by posting ledger entries'
    USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_account_changes_by_entries';
END $$;
--> statement-breakpoint
CREATE TRIGGER ledger_account_changes_by_entries BEFORE UPDATE ON ledger_account
  FOR EACH ROW WHEN (pg_trigger_depth() < 1) EXECUTE FUNCTION ledger_account_refuse_update();
--> statement-breakpoint
CREATE FUNCTION ledger_account_refuse_opening() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a ledger account opens with a zero balance'
    USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_account_opens_at_zero';
END $$;
--> statement-breakpoint
CREATE TRIGGER ledger_account_opens_at_zero BEFORE INSERT ON ledger_account
  FOR EACH ROW WHEN (NEW.balance <> 0) EXECUTE FUNCTION ledger_account_refuse_opening();
--> statement-breakpoint
CREATE FUNCTION ledger_entry_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unbalanced record;
  broken record;
BEGIN
  SELECT transaction_id, currency, sum(amount) AS total INTO unbalanced
  FROM new_entries GROUP BY transaction_id, currency HAVING sum(amount) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transaction % does not balance: its entries sum to % %', unbalanced.transaction_id, unbalanced.total, unbalanced.currency
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_transaction_balanced';
  END IF;
  -- Cached accounts move by exactly their entries (the CHECKs on ledger_account apply here), and
  -- each entry's balance_after is the opening balance plus the entries up to it, in id order.
  WITH applied AS (
    UPDATE ledger_account a SET balance = a.balance + d.delta
    FROM (SELECT account_id, sum(amount) AS delta FROM new_entries GROUP BY account_id) d
    -- The = ANY index condition keeps this an index scan however many entries the statement has.
    WHERE a.id = d.account_id AND a.id = ANY (ARRAY(SELECT account_id FROM new_entries)) AND a.balance IS NOT NULL
    RETURNING a.id, a.balance - d.delta AS opening
  ), running AS (
    SELECT id, account_id, balance_after, sum(amount) OVER (PARTITION BY account_id ORDER BY id) AS moved FROM new_entries
  )
  SELECT r.id, r.balance_after, applied.opening + r.moved AS expected INTO broken
  FROM running r LEFT JOIN applied ON applied.id = r.account_id
  WHERE r.balance_after IS DISTINCT FROM applied.opening + r.moved
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger entry % says balance_after %, but its account''s running balance is %', broken.id, broken.balance_after, broken.expected
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_entry_balance_after';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER ledger_entry_apply AFTER INSERT ON ledger_entry
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_apply();
