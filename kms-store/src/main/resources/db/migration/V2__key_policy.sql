-- The key policy document of each key. NULL for keys created before key policies existed: they have
-- the default key policy (see dev.kms.core.model.KmsKey).
ALTER TABLE keys ADD COLUMN policy TEXT;
