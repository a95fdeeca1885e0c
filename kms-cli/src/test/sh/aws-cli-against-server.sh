#!/usr/bin/env bash
# The AWS CLI, unchanged but for --endpoint-url, against a running `kms server` (run by ServerScriptTest).
#   aws-cli-against-server.sh basic     create-key, create-alias, encrypt with fileb://, decrypt, generate-data-key
#   aws-cli-against-server.sh rotation  rotate-key-on-demand, list-key-rotations, the old ciphertext still decrypts
#   aws-cli-against-server.sh iam       create-user, create-access-key, put-user-policy, the new key encrypts;
#                                       create-role, sts assume-role, sts get-caller-identity; NoSuchEntity
# Needs KMS_ENDPOINT, KMS_REGION, AWS_SHARED_CREDENTIALS_FILE (with the [kms-admin] profile) and WORK (a
# scratch directory). Exits non-zero at the first failure, saying which.
set -euo pipefail
shopt -s inherit_errexit   # a failing command inside $(...) fails the script too
: "${KMS_ENDPOINT:?}" "${KMS_REGION:?}" "${AWS_SHARED_CREDENTIALS_FILE:?}" "${WORK:?}"
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
export AWS_CONFIG_FILE="$WORK/aws-config"   # no settings from ~/.aws/config
: > "$AWS_CONFIG_FILE"

kms() { aws kms --profile kms-admin --endpoint-url "$KMS_ENDPOINT" --region "$KMS_REGION" "$@"; }
iam() { aws iam --profile kms-admin --endpoint-url "$KMS_ENDPOINT" --region "$KMS_REGION" "$@"; }
# As whoever AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN] name, not the administrator.
as_env() { local service=$1; shift; aws "$service" --endpoint-url "$KMS_ENDPOINT" --region "$KMS_REGION" "$@"; }
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
  iam)
    user_arn=$(iam create-user --user-name awscli-user --query User.Arn --output text)
    [[ "$user_arn" == arn:aws:iam::*:user/awscli-user ]] || fail "create-user answered $user_arn"
    [[ "$(iam get-user --user-name awscli-user --query User.Arn --output text)" == "$user_arn" ]] || fail "get-user"
    read -r access_key_id secret < <(iam create-access-key --user-name awscli-user \
      --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
    [[ "$access_key_id" == AKIA* ]] || fail "create-access-key answered $access_key_id"
    iam put-user-policy --user-name awscli-user --policy-name encrypt \
      --policy-document '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*"}]}'
    action=$(iam get-user-policy --user-name awscli-user --policy-name encrypt \
      --query 'PolicyDocument.Statement[0].Action' --output text)
    [[ "$action" == kms:Encrypt ]] || fail "get-user-policy gave the action $action"
    key_id=$(kms create-key --description "aws cli iam" --query KeyMetadata.KeyId --output text)
    printf 'encrypted by a user made with aws iam\n' > "$WORK/user.bin"
    (
      export AWS_ACCESS_KEY_ID="$access_key_id" AWS_SECRET_ACCESS_KEY="$secret"
      unset AWS_SHARED_CREDENTIALS_FILE
      [[ "$(as_env sts get-caller-identity --query Arn --output text)" == "$user_arn" ]] || fail "get-caller-identity"
      as_env kms encrypt --key-id "$key_id" --plaintext "fileb://$WORK/user.bin" --query KeyId --output text > /dev/null
      if as_env iam list-users > /dev/null 2> "$WORK/denied.err"; then
        fail "a user without an iam policy listed the users"
      fi
      grep -q AccessDenied "$WORK/denied.err" || fail "list-users as the user: $(cat "$WORK/denied.err")"
    )
    if iam get-user --user-name nobody > /dev/null 2> "$WORK/missing.err"; then
      fail "get-user of a user that does not exist succeeded"
    fi
    grep -q NoSuchEntity "$WORK/missing.err" || fail "get-user nobody: $(cat "$WORK/missing.err")"
    role_arn=$(iam create-role --role-name awscli-role --query Role.Arn --output text \
      --assume-role-policy-document "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"$user_arn\"}, \"Action\": \"sts:AssumeRole\"}]}")
    (
      export AWS_ACCESS_KEY_ID="$access_key_id" AWS_SECRET_ACCESS_KEY="$secret"
      unset AWS_SHARED_CREDENTIALS_FILE
      read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN < <(as_env sts assume-role \
        --role-arn "$role_arn" --role-session-name awscli --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' \
        --output text)
      export AWS_SESSION_TOKEN
      session_arn=$(as_env sts get-caller-identity --query Arn --output text)
      [[ "$session_arn" == arn:aws:sts::*:assumed-role/awscli-role/awscli ]] || fail "the session is $session_arn"
    )
    ;;
  *)
    fail "usage: $0 basic|rotation|iam"
    ;;
esac
echo "aws-cli-against-server $1: ok"
