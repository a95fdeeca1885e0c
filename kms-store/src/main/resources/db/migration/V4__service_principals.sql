-- Integrated services (e.g. backup.us-east-1.kms.local) as principals of the deployment, with their own access
-- keys: a service's key has service_name and neither user nor session columns. Portable SQL, as V3.
-- Service names are lowercase by rule, so the name itself is the key.

CREATE TABLE iam_service_principals (
    service_name VARCHAR(128) NOT NULL PRIMARY KEY,
    service_id   VARCHAR(32)  NOT NULL UNIQUE,
    created      BIGINT       NOT NULL
);

ALTER TABLE iam_access_keys ADD COLUMN service_name VARCHAR(128) REFERENCES iam_service_principals (service_name);

CREATE INDEX iam_access_keys_service_idx ON iam_access_keys (service_name);
