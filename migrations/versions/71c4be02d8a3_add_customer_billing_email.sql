-- revision: 71c4be02d8a3
-- revises: 6e9f13a8d250
-- message: add a billing e-mail to customers, filled from their owner
-- created: 2026-02-16 15:20:37
--
-- A data migration: existing customers get their owner's e-mail address.

-- strata:upgrade
ALTER TABLE customer ADD COLUMN billing_email text;

UPDATE customer c
   SET billing_email = a.email
  FROM account a
 WHERE a.id = c.owner_id
   AND c.billing_email IS NULL;

-- strata:downgrade
ALTER TABLE customer DROP COLUMN billing_email;
