-- Accounts, users, roles, access keys, inline identity policies and service-owned keys. Portable SQL:
-- SQLite embedded and PostgreSQL share these migrations. Instants are epoch milliseconds (BIGINT).
-- IAM names are unique per account regardless of case: rows are keyed by the lower-case name (*_key) and
-- keep the name as created.

CREATE TABLE iam_accounts (
    account_id VARCHAR(12) NOT NULL PRIMARY KEY,
    created    BIGINT      NOT NULL
);

CREATE TABLE iam_users (
    account_id    VARCHAR(12)   NOT NULL REFERENCES iam_accounts (account_id),
    user_name_key VARCHAR(64)   NOT NULL,
    user_name     VARCHAR(64)   NOT NULL,
    user_id       VARCHAR(32)   NOT NULL UNIQUE,
    arn           VARCHAR(2048) NOT NULL,
    created       BIGINT        NOT NULL,
    PRIMARY KEY (account_id, user_name_key)
);

CREATE TABLE iam_roles (
    account_id          VARCHAR(12)   NOT NULL REFERENCES iam_accounts (account_id),
    role_name_key       VARCHAR(64)   NOT NULL,
    role_name           VARCHAR(64)   NOT NULL,
    role_id             VARCHAR(32)   NOT NULL UNIQUE,
    arn                 VARCHAR(2048) NOT NULL,
    trust_policy        TEXT          NOT NULL,
    max_session_seconds INTEGER       NOT NULL,
    created             BIGINT        NOT NULL,
    PRIMARY KEY (account_id, role_name_key)
);

CREATE TABLE iam_user_policies (
    account_id    VARCHAR(12)  NOT NULL,
    user_name_key VARCHAR(64)  NOT NULL,
    policy_name   VARCHAR(128) NOT NULL,
    document      TEXT         NOT NULL,
    PRIMARY KEY (account_id, user_name_key, policy_name),
    FOREIGN KEY (account_id, user_name_key) REFERENCES iam_users (account_id, user_name_key)
);

CREATE TABLE iam_role_policies (
    account_id    VARCHAR(12)  NOT NULL,
    role_name_key VARCHAR(64)  NOT NULL,
    policy_name   VARCHAR(128) NOT NULL,
    document      TEXT         NOT NULL,
    PRIMARY KEY (account_id, role_name_key, policy_name),
    FOREIGN KEY (account_id, role_name_key) REFERENCES iam_roles (account_id, role_name_key)
);

-- A user's key has user_name_key; a role session's key has role_arn, role_id, session_name, the SHA-256 of its
-- session token (hex) and its expiration. Sessions outlive a deleted role until they expire, so no foreign key
-- to iam_roles. The secret is only ever stored encrypted under the "secrets" service key (base64).
CREATE TABLE iam_access_keys (
    access_key_id      VARCHAR(20)   NOT NULL PRIMARY KEY,
    account_id         VARCHAR(12)   NOT NULL REFERENCES iam_accounts (account_id),
    user_name_key      VARCHAR(64),
    user_name          VARCHAR(64),
    role_arn           VARCHAR(2048),
    role_id            VARCHAR(32),
    session_name       VARCHAR(64),
    protected_secret   VARCHAR(1024) NOT NULL,
    status             VARCHAR(16)   NOT NULL,
    created            BIGINT        NOT NULL,
    session_token_hash VARCHAR(64),
    expiration         BIGINT,
    FOREIGN KEY (account_id, user_name_key) REFERENCES iam_users (account_id, user_name_key)
);

CREATE INDEX iam_access_keys_user_idx ON iam_access_keys (account_id, user_name_key);
CREATE INDEX iam_access_keys_expiration_idx ON iam_access_keys (expiration);

-- Keys the service owns (protecting secrets, sealing the audit trail): never KMS keys, never listed.
CREATE TABLE service_keys (
    name        VARCHAR(64) NOT NULL PRIMARY KEY,
    key_spec    VARCHAR(64) NOT NULL,
    material_id VARCHAR(32) NOT NULL UNIQUE
);
