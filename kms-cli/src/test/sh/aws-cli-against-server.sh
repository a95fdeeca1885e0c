#!/usr/bin/env bash
# The AWS CLI, unchanged but for --endpoint-url, against a running `kms server` (run by ServerScriptTest).
#   aws-cli-against-server.sh basic     create-key, create-alias, encrypt with fileb://, decrypt, generate-data-key
#   aws-cli-against-server.sh rotation  rotate-key-on-demand, list-key-rotations, the old ciphertext still decrypts
# Needs KMS_ENDPOINT, KMS_REGION, AWS_SHARED_CREDENTIALS_FILE (with the [kms-admin] profile) and WORK (a
# scratch directory). Exits non-zero at the first failure, saying which.
set -euo pipefail
shopt -s inherit_errexit   # a failing command inside $(...) fails the script too
: "${KMS_ENDPOINT:?}" "${KMS_REGION:?}" "${AWS_SHARED_CREDENTIALS_FILE:?}" "${WORK:?}"
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
export AWS_CONFIG_FILE="$WORK/aws-config"   # no settings from ~/.aws/config
: > "$AWS_CONFIG_FILE"

kms() { aws kms --profile kms-admin --endpoint-url "$KMS_ENDPOINT" --region "$KMS_REGION" "$@"; }
fail() { echo "aws-cli-against-server: $*" >&2; exit 1; }

# A key with an alias; encrypt a file through the alias, decrypt it back.
new_key() {
  local key_id
  key_id=$(kms create-key --description "aws cli $1" --query KeyMetadata.KeyId --output text)
  kms create-alias --alias-name "alias/awscli-$1" --target-key-id "$key_id"
  echo "$key_id"
}
encrypt() { # ALIAS_SUFFIX PLAINTEXT_FILE BLOB_FILE
  kms encrypt --key-id "alias/awscli-$1" --plaintext "fileb://$2" --encryption-context purpose=awscli \
    --query CiphertextBlob --output text | base64 -d > "$3"
}
decrypt_to() { # BLOB_FILE OUT_FILE
  kms decrypt --ciphertext-blob "fileb://$1" --encryption-context purpose=awscli --query Plaintext --output text \
    | base64 -d > "$2"
}

case "${1:-}" in
  basic)
    key_id=$(new_key basic)
    arn=$(kms describe-key --key-id alias/awscli-basic --query KeyMetadata.Arn --output text)
    [[ "$arn" == arn:aws:kms:"$KMS_REGION":*:key/"$key_id" ]] || fail "describe-key via the alias: $arn"
    printf 'hello from the aws cli\n' > "$WORK/plain.bin"
    encrypt basic "$WORK/plain.bin" "$WORK/blob.bin"
    decrypt_to "$WORK/blob.bin" "$WORK/decrypted.bin"
    cmp -s "$WORK/plain.bin" "$WORK/decrypted.bin" || fail "decrypt did not give the plaintext back"
    decrypted_by=$(kms decrypt --ciphertext-blob "fileb://$WORK/blob.bin" --encryption-context purpose=awscli \
      --query KeyId --output text)
    [[ "$decrypted_by" == "$arn" ]] || fail "decrypt named $decrypted_by, not $arn"
    if kms decrypt --ciphertext-blob "fileb://$WORK/blob.bin" --encryption-context purpose=other \
        > /dev/null 2> "$WORK/wrong-context.err"; then
      fail "decrypt with the wrong encryption context succeeded"
    fi
    grep -q InvalidCiphertextException "$WORK/wrong-context.err" || fail "wrong context: $(cat "$WORK/wrong-context.err")"
    data_key_bytes=$(kms generate-data-key --key-id alias/awscli-basic --key-spec AES_256 --query Plaintext \
      --output text | base64 -d | wc -c)
    [[ "$data_key_bytes" -eq 32 ]] || fail "generate-data-key gave $data_key_bytes bytes"
    kms list-keys --query "Keys[?KeyId=='$key_id'].KeyId" --output text | grep -qx "$key_id" \
      || fail "list-keys does not list $key_id"
    ;;
  rotation)
    key_id=$(new_key rotation)
    printf 'before the rotation\n' > "$WORK/old.bin"
    encrypt rotation "$WORK/old.bin" "$WORK/old-blob.bin"
    rotated=$(kms rotate-key-on-demand --key-id "$key_id" --query KeyId --output text)
    [[ "$rotated" == arn:aws:kms:"$KMS_REGION":*:key/"$key_id" ]] || fail "rotate-key-on-demand answered $rotated"
    rotations=$(kms list-key-rotations --key-id "$key_id" --query 'length(Rotations)' --output text)
    [[ "$rotations" -eq 1 ]] || fail "list-key-rotations lists $rotations rotations"
    rotation_type=$(kms list-key-rotations --key-id "$key_id" --query 'Rotations[0].RotationType' --output text)
    [[ "$rotation_type" == ON_DEMAND ]] || fail "rotation type $rotation_type"
    decrypt_to "$WORK/old-blob.bin" "$WORK/old-decrypted.bin"
    cmp -s "$WORK/old.bin" "$WORK/old-decrypted.bin" || fail "the ciphertext from before the rotation no longer decrypts"
    ;;
  *)
    fail "usage: $0 basic|rotation"
    ;;
esac
echo "aws-cli-against-server $1: ok"
