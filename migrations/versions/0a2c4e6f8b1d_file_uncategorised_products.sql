-- revision: 0a2c4e6f8b1d
-- revises: f8c0e2a4b6d8
-- message: file uncategorised products under General
-- created: 2026-04-02 15:51:18
--
-- A data migration: every product gets a category.

-- strata:upgrade
INSERT INTO product_category (name) VALUES ('General')
ON CONFLICT (name) DO NOTHING;

UPDATE product
   SET category_id = (SELECT id FROM product_category WHERE name = 'General')
 WHERE category_id IS NULL;

-- strata:downgrade
UPDATE product
   SET category_id = NULL
 WHERE category_id = (SELECT id FROM product_category WHERE name = 'General');
DELETE FROM product_category WHERE name = 'General';
