-- Metadata of keys and aliases. Portable SQL: SQLite embedded and PostgreSQL share these migrations.
-- Instants are epoch milliseconds (BIGINT); enums are their Java names (VARCHAR).

CREATE TABLE keys (
    key_id               VARCHAR(64)   NOT NULL PRIMARY KEY,
    account_id           VARCHAR(12)   NOT NULL,
    description          VARCHAR(8192),
    creation_date        BIGINT        NOT NULL,
    state                VARCHAR(32)   NOT NULL,
    key_spec             VARCHAR(64)   NOT NULL,
    key_usage            VARCHAR(64)   NOT NULL,
    origin               VARCHAR(32)   NOT NULL,
    key_manager          VARCHAR(16)   NOT NULL,
    deletion_date        BIGINT,
    pending_window_days  INTEGER,
    rotation_enabled     BOOLEAN       NOT NULL,
    rotation_period_days INTEGER       NOT NULL,
    next_rotation        BIGINT,
    version              BIGINT        NOT NULL
);

CREATE INDEX keys_account_idx ON keys (account_id, key_id);
CREATE INDEX keys_deletion_date_idx ON keys (deletion_date);
CREATE INDEX keys_next_rotation_idx ON keys (next_rotation);

-- Append-only: one row per token object backing a key; ordinal 0 is the original material.
CREATE TABLE key_materials (
    material_id   VARCHAR(32)  NOT NULL PRIMARY KEY,
    key_id        VARCHAR(64)  NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
    ordinal       INTEGER      NOT NULL,
    created_at    BIGINT       NOT NULL,
    rotation_type VARCHAR(16),
    CONSTRAINT key_materials_key_ordinal_uq UNIQUE (key_id, ordinal)
);

CREATE TABLE key_tags (
    key_id    VARCHAR(64)  NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
    tag_key   VARCHAR(128) NOT NULL,
    tag_value VARCHAR(256) NOT NULL,
    PRIMARY KEY (key_id, tag_key)
);

CREATE TABLE aliases (
    account_id    VARCHAR(12)  NOT NULL,
    alias_name    VARCHAR(256) NOT NULL,
    target_key_id VARCHAR(64)  NOT NULL REFERENCES keys (key_id) ON DELETE CASCADE,
    creation_date BIGINT       NOT NULL,
    last_updated  BIGINT       NOT NULL,
    PRIMARY KEY (account_id, alias_name)
);

CREATE INDEX aliases_target_idx ON aliases (target_key_id);
