-- revision: 38d1f0a9b6c2
-- revises: 2e5b8d1f4a7c
-- message: create currencies and exchange rates
-- created: 2026-01-14 10:02:41
--
-- Both the sales and the accounting branches start from here.

-- strata:upgrade
CREATE TABLE currency (
    code      char(3)  PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    name      text     NOT NULL,
    decimals  smallint NOT NULL DEFAULT 2
);

CREATE TABLE exchange_rate (
    currency_code  char(3)       NOT NULL REFERENCES currency (code),
    valid_on       date          NOT NULL,
    rate_to_eur    numeric(18,8) NOT NULL CHECK (rate_to_eur > 0),
    PRIMARY KEY (currency_code, valid_on)
);

INSERT INTO currency (code, name) VALUES ('EUR', 'Euro'), ('USD', 'US dollar'), ('GBP', 'Pound sterling');

-- strata:downgrade
DROP TABLE exchange_rate;
DROP TABLE currency;
