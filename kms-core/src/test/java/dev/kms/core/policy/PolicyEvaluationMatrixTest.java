package dev.kms.core.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.kms.core.policy.Decision.Outcome.ALLOW;
import static dev.kms.core.policy.Decision.Outcome.EXPLICIT_DENY;
import static dev.kms.core.policy.Decision.Outcome.IMPLICIT_DENY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The policy evaluation matrix of kms-reference.md, "Authorization": each row is a key policy, the caller's
 * identity policies, a caller, an action on a key, the request's condition keys and the expected decision.
 * Documents are JSON with ' for " and @names for the principals and keys below.
 */
class PolicyEvaluationMatrixTest {
    static final String A = "111122223333";
    static final String B = "444455556666";
    private static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        // Longest first, so that @keyB is not read as @key followed by B.
        NAMES.put("@sessionOther", "arn:aws:sts::" + A + ":assumed-role/app/other-session");
        NAMES.put("@session", "arn:aws:sts::" + A + ":assumed-role/app/s1");
        NAMES.put("@rootA", "arn:aws:iam::" + A + ":root");
        NAMES.put("@rootB", "arn:aws:iam::" + B + ":root");
        NAMES.put("@alice", "arn:aws:iam::" + A + ":user/alice");
        NAMES.put("@carol", "arn:aws:iam::" + B + ":user/carol");
        NAMES.put("@role", "arn:aws:iam::" + A + ":role/app");
        NAMES.put("@bob", "arn:aws:iam::" + A + ":user/bob");
        NAMES.put("@keyB", "arn:aws:kms:us-east-1:" + B + ":key/bbbbbbbb-0000-4000-8000-000000000002");
        NAMES.put("@key2", "arn:aws:kms:us-east-1:" + A + ":key/aaaaaaaa-0000-4000-8000-000000000009");
        NAMES.put("@key", "arn:aws:kms:us-east-1:" + A + ":key/aaaaaaaa-0000-4000-8000-000000000001");
    }

    static final String ROOT_A = name("@rootA");
    static final String ROOT_B = name("@rootB");
    static final String ALICE = name("@alice");
    static final String BOB = name("@bob");
    static final String CAROL = name("@carol");
    static final String SESSION = name("@session");
    static final String SESSION_OTHER = name("@sessionOther");
    static final String KEY = name("@key");
    static final String KEY_B = name("@keyB");
    static final String CLOUDTRAIL = "cloudtrail.amazonaws.com";
    static final String VIA_S3 = "s3.us-east-1.amazonaws.com";

    static final String DEFAULT = Policies.defaultKeyPolicy("aws", A);
    static final String DEFAULT_B = Policies.defaultKeyPolicy("aws", B);
    static final String S3_MANAGED = Policies.serviceManagedKeyPolicy("aws", A, "s3", VIA_S3);
    static final String ROOT_STATEMENT = "{'Sid':'Root','Effect':'Allow','Principal':{'AWS':'@rootA'},'Action':'kms:*','Resource':'*'}";
    static final String ALLOW_IDENTITY_ENCRYPT = "{'Effect':'Allow','Action':'kms:Encrypt','Resource':'@key'}";
    static final String ALLOW_IDENTITY_ALL = "{'Effect':'Allow','Action':'kms:*','Resource':'*'}";

    static Stream<Case> cases() {
        return Stream.of(
                // The default key policy: the root directly, everyone else through identity policies.
                when("defaultPolicy_root_isAllowed").key(DEFAULT).caller(ROOT_A).does("kms:Encrypt").expect(ALLOW),
                when("defaultPolicy_userWithoutIdentityPolicy_isDenied").key(DEFAULT).caller(ALICE).does("kms:Encrypt")
                        .expect(IMPLICIT_DENY),
                when("defaultPolicy_userWithIdentityAllow_isAllowed").key(DEFAULT).identity(ALLOW_IDENTITY_ENCRYPT)
                        .caller(ALICE).does("kms:Encrypt").expect(ALLOW),
                when("defaultPolicy_identityAllowsOtherAction_isDenied").key(DEFAULT)
                        .identity("{'Effect':'Allow','Action':'kms:Decrypt','Resource':'*'}").caller(ALICE).does("kms:Encrypt")
                        .expect(IMPLICIT_DENY),
                when("defaultPolicy_identityAllowsOtherKey_isDenied").key(DEFAULT)
                        .identity("{'Effect':'Allow','Action':'kms:*','Resource':'@key2'}").caller(ALICE).does("kms:Encrypt")
                        .expect(IMPLICIT_DENY),
                when("defaultPolicy_identityDeny_winsOverIdentityAllow").key(DEFAULT)
                        .identity(ALLOW_IDENTITY_ALL, "{'Effect':'Deny','Action':'kms:Encrypt','Resource':'*'}")
                        .caller(ALICE).does("kms:Encrypt").expect(EXPLICIT_DENY),
                when("defaultPolicy_roleSessionWithRoleIdentityPolicy_isAllowed").key(DEFAULT).identity(ALLOW_IDENTITY_ALL)
                        .caller(SESSION).does("kms:Decrypt").expect(ALLOW),
                when("defaultPolicy_foreignUserWithIdentityAllow_isDenied").key(DEFAULT).identity(ALLOW_IDENTITY_ALL)
                        .caller(CAROL).does("kms:Encrypt").expect(IMPLICIT_DENY),

                // Direct grants in the key policy.
                when("directGrant_user_isAllowedWithoutIdentityPolicy")
                        .key(ROOT_STATEMENT, "{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:Encrypt','Resource':'*'}")
                        .caller(ALICE).does("kms:Encrypt").expect(ALLOW),
                when("directGrant_toAlice_doesNotCoverBob")
                        .key(ROOT_STATEMENT, "{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:Encrypt','Resource':'*'}")
                        .caller(BOB).does("kms:Encrypt").expect(IMPLICIT_DENY),
                when("directGrant_ofEncrypt_doesNotCoverDecrypt")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:Encrypt','Resource':'*'}")
                        .caller(ALICE).does("kms:Decrypt").expect(IMPLICIT_DENY),
                when("directGrant_toRoleArn_coversItsSessions")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@role'},'Action':'kms:Decrypt'}")
                        .caller(SESSION).does("kms:Decrypt").expect(ALLOW),
                when("directGrant_toSessionArn_coversOnlyThatSession")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@session'},'Action':'kms:Decrypt'}")
                        .caller(SESSION_OTHER).does("kms:Decrypt").expect(IMPLICIT_DENY),
                when("directGrant_toStar_allowsAnyUserWithoutIdentityPolicy")
                        .key("{'Effect':'Allow','Principal':'*','Action':'kms:Encrypt'}")
                        .caller(BOB).does("kms:Encrypt").expect(ALLOW),
                when("keyPolicyNamingAccountId_delegates_userWithoutIdentityPolicy_isDenied")
                        .key("{'Effect':'Allow','Principal':{'AWS':'" + A + "'},'Action':'kms:*'}")
                        .caller(ALICE).does("kms:Encrypt").expect(IMPLICIT_DENY),
                when("keyPolicyNamingAccountId_delegates_userWithIdentityAllow_isAllowed")
                        .key("{'Effect':'Allow','Principal':{'AWS':'" + A + "'},'Action':'kms:*'}").identity(ALLOW_IDENTITY_ENCRYPT)
                        .caller(ALICE).does("kms:Encrypt").expect(ALLOW),
                when("identityAllowAlone_keyPolicyNamesOnlyBob_isDenied")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@bob'},'Action':'kms:*'}").identity(ALLOW_IDENTITY_ALL)
                        .caller(ALICE).does("kms:Encrypt").expect(IMPLICIT_DENY),
                when("root_keyPolicyWithoutAccount_isDenied")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:*'}")
                        .caller(ROOT_A).does("kms:PutKeyPolicy").expect(IMPLICIT_DENY),

                // Explicit denies in each layer.
                when("keyPolicyDeny_winsOverDirectAllow")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:*'}",
                                "{'Effect':'Deny','Principal':{'AWS':'@alice'},'Action':'kms:Decrypt'}")
                        .caller(ALICE).does("kms:Decrypt").expect(EXPLICIT_DENY),
                when("keyPolicyDeny_winsOverDelegatedIdentityAllow")
                        .key(ROOT_STATEMENT, "{'Effect':'Deny','Principal':'*','Action':'kms:ScheduleKeyDeletion'}")
                        .identity(ALLOW_IDENTITY_ALL).caller(ALICE).does("kms:ScheduleKeyDeletion").expect(EXPLICIT_DENY),
                when("keyPolicyDenyNamingAccount_appliesToItsUsers")
                        .key(ROOT_STATEMENT, "{'Effect':'Deny','Principal':{'AWS':'@rootA'},'Action':'kms:Decrypt'}")
                        .identity(ALLOW_IDENTITY_ALL).caller(ALICE).does("kms:Decrypt").expect(EXPLICIT_DENY),
                when("keyPolicyDenyForOtherAction_doesNotApply")
                        .key(ROOT_STATEMENT, "{'Effect':'Deny','Principal':'*','Action':'kms:Decrypt'}")
                        .identity(ALLOW_IDENTITY_ALL).caller(ALICE).does("kms:Encrypt").expect(ALLOW),
                when("keyPolicyDeny_bindsTheRootToo")
                        .key(ROOT_STATEMENT, "{'Effect':'Deny','Principal':{'AWS':'@rootA'},'Action':'kms:Disable*'}")
                        .caller(ROOT_A).does("kms:DisableKey").expect(EXPLICIT_DENY),
                when("identityDeny_winsOverKeyPolicyDirectAllow")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:*'}")
                        .identity("{'Effect':'Deny','Action':'kms:*','Resource':'*'}")
                        .caller(ALICE).does("kms:Encrypt").expect(EXPLICIT_DENY),

                // NotAction, NotPrincipal, NotResource.
                when("notAction_allowsEveryOtherAction")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'NotAction':'kms:ScheduleKeyDeletion'}")
                        .caller(ALICE).does("kms:Encrypt").expect(ALLOW),
                when("notAction_doesNotAllowTheListedAction")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'NotAction':'kms:ScheduleKeyDeletion'}")
                        .caller(ALICE).does("kms:ScheduleKeyDeletion").expect(IMPLICIT_DENY),
                when("denyNotAction_deniesUnlistedAction")
                        .key(ROOT_STATEMENT, "{'Effect':'Deny','Principal':'*','NotAction':['kms:Encrypt','kms:Decrypt']}")
                        .identity(ALLOW_IDENTITY_ALL).caller(ALICE).does("kms:Sign").expect(EXPLICIT_DENY),
                when("denyNotAction_sparesListedAction")
                        .key(ROOT_STATEMENT, "{'Effect':'Deny','Principal':'*','NotAction':['kms:Encrypt','kms:Decrypt']}")
                        .identity(ALLOW_IDENTITY_ALL).caller(ALICE).does("kms:Decrypt").expect(ALLOW),
                when("denyNotPrincipal_listingUserAndAccount_sparesTheUser")
                        .key("{'Effect':'Allow','Principal':'*','Action':'kms:*'}",
                                "{'Effect':'Deny','NotPrincipal':{'AWS':['@alice','@rootA']},'Action':'kms:*'}")
                        .caller(ALICE).does("kms:Encrypt").expect(ALLOW),
                when("denyNotPrincipal_deniesUnlistedUser")
                        .key("{'Effect':'Allow','Principal':'*','Action':'kms:*'}",
                                "{'Effect':'Deny','NotPrincipal':{'AWS':['@alice','@rootA']},'Action':'kms:*'}")
                        .caller(BOB).does("kms:Encrypt").expect(EXPLICIT_DENY),
                when("denyNotPrincipal_listingUserWithoutAccount_stillDeniesTheUser")
                        .key("{'Effect':'Allow','Principal':'*','Action':'kms:*'}",
                                "{'Effect':'Deny','NotPrincipal':{'AWS':'@alice'},'Action':'kms:*'}")
                        .caller(ALICE).does("kms:Encrypt").expect(EXPLICIT_DENY),
                when("denyNotPrincipal_listingSessionRoleAndAccount_sparesTheSession")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@role'},'Action':'kms:*'}",
                                "{'Effect':'Deny','NotPrincipal':{'AWS':['@session','@role','@rootA']},'Action':'kms:*'}")
                        .caller(SESSION).does("kms:Decrypt").expect(ALLOW),
                when("identityNotResource_coversOtherKeys")
                        .key(DEFAULT).identity("{'Effect':'Allow','Action':'kms:*','NotResource':'@key2'}")
                        .caller(ALICE).does("kms:Encrypt").expect(ALLOW),
                when("identityNotResource_excludesTheListedKey")
                        .key(DEFAULT).identity("{'Effect':'Allow','Action':'kms:*','NotResource':'@key'}")
                        .caller(ALICE).does("kms:Encrypt").expect(IMPLICIT_DENY),

                // Wildcards in actions (case-insensitive) and resources (case-sensitive).
                when("actionWildcard_star_matchesPrefix")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:GenerateDataKey*'}")
                        .caller(ALICE).does("kms:GenerateDataKeyWithoutPlaintext").expect(ALLOW),
                when("actionWildcard_star_doesNotMatchOtherAction")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:GenerateDataKey*'}")
                        .caller(ALICE).does("kms:Encrypt").expect(IMPLICIT_DENY),
                when("actionWildcard_questionMark_matchesOneCharacter")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:?ncrypt'}")
                        .caller(ALICE).does("kms:Encrypt").expect(ALLOW),
                when("action_matchesIgnoringCase")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'KMS:ENCRYPT'}")
                        .caller(ALICE).does("kms:Encrypt").expect(ALLOW),
                when("resourceWildcard_allKeysOfAccount_matches")
                        .key(DEFAULT).identity("{'Effect':'Allow','Action':'kms:*','Resource':'arn:aws:kms:us-east-1:" + A + ":key/*'}")
                        .caller(ALICE).does("kms:Encrypt").expect(ALLOW),
                when("resourceWildcard_isCaseSensitive")
                        .key(DEFAULT).identity("{'Effect':'Allow','Action':'kms:*','Resource':'arn:aws:kms:us-east-1:" + A + ":KEY/*'}")
                        .caller(ALICE).does("kms:Encrypt").expect(IMPLICIT_DENY),
                when("resourceWildcard_otherRegion_doesNotMatch")
                        .key(DEFAULT).identity("{'Effect':'Allow','Action':'kms:*','Resource':'arn:aws:kms:eu-west-1:*'}")
                        .caller(ALICE).does("kms:Encrypt").expect(IMPLICIT_DENY),
                when("resourceWildcard_questionMark_matchesRegionDigit")
                        .key(DEFAULT).identity("{'Effect':'Allow','Action':'kms:*','Resource':'arn:aws:kms:us-east-?:" + A + ":key/*'}")
                        .caller(ALICE).does("kms:Encrypt").expect(ALLOW),

                // String operators, on kms:EncryptionContext:<key>.
                aliceIf("stringEquals_encryptionContextValue_matches", "{'StringEquals':{'kms:EncryptionContext:Department':'Finance'}}")
                        .encryptionContext(Map.of("Department", "Finance")).expect(ALLOW),
                aliceIf("stringEquals_encryptionContextValue_differs", "{'StringEquals':{'kms:EncryptionContext:Department':'Finance'}}")
                        .encryptionContext(Map.of("Department", "Sales")).expect(IMPLICIT_DENY),
                aliceIf("stringEquals_valueIsCaseSensitive", "{'StringEquals':{'kms:EncryptionContext:Department':'Finance'}}")
                        .encryptionContext(Map.of("Department", "finance")).expect(IMPLICIT_DENY),
                aliceIf("stringEquals_keyNameIsCaseInsensitive", "{'StringEquals':{'KMS:encryptioncontext:DEPARTMENT':'Finance'}}")
                        .encryptionContext(Map.of("Department", "Finance")).expect(ALLOW),
                aliceIf("stringEquals_missingKey_isFalse", "{'StringEquals':{'kms:EncryptionContext:Department':'Finance'}}")
                        .expect(IMPLICIT_DENY),
                aliceIf("stringEquals_severalValues_areOred", "{'StringEquals':{'kms:EncryptionContext:Department':['Sales','Finance']}}")
                        .encryptionContext(Map.of("Department", "Finance")).expect(ALLOW),
                aliceIf("conditions_severalKeys_areAnded",
                        "{'StringEquals':{'kms:EncryptionContext:Department':'Finance','kms:EncryptionContext:Project':'X'}}")
                        .encryptionContext(Map.of("Department", "Finance", "Project", "Y")).expect(IMPLICIT_DENY),
                aliceIf("conditions_severalOperators_areAnded",
                        "{'StringEquals':{'kms:EncryptionContext:Department':'Finance'},'StringLike':{'kms:EncryptionContext:Project':'X*'}}")
                        .encryptionContext(Map.of("Department", "Finance", "Project", "X-1")).expect(ALLOW),
                aliceIf("stringNotEquals_otherValue_holds", "{'StringNotEquals':{'kms:EncryptionContext:Department':'Finance'}}")
                        .encryptionContext(Map.of("Department", "Sales")).expect(ALLOW),
                aliceIf("stringNotEquals_sameValue_fails", "{'StringNotEquals':{'kms:EncryptionContext:Department':'Finance'}}")
                        .encryptionContext(Map.of("Department", "Finance")).expect(IMPLICIT_DENY),
                aliceIf("stringNotEquals_missingKey_holds", "{'StringNotEquals':{'kms:EncryptionContext:Department':'Finance'}}")
                        .expect(ALLOW),
                aliceIf("stringEqualsIgnoreCase_otherCase_matches", "{'StringEqualsIgnoreCase':{'kms:EncryptionContext:Department':'FINANCE'}}")
                        .encryptionContext(Map.of("Department", "finance")).expect(ALLOW),
                aliceIf("stringNotEqualsIgnoreCase_sameIgnoringCase_fails",
                        "{'StringNotEqualsIgnoreCase':{'kms:EncryptionContext:Department':'FINANCE'}}")
                        .encryptionContext(Map.of("Department", "finance")).expect(IMPLICIT_DENY),
                aliceIf("stringLike_withWildcard_matchesContextValue", "{'StringLike':{'kms:EncryptionContext:Path':'/data/finance/*'}}")
                        .encryptionContext(Map.of("Path", "/data/finance/2024/q1.csv")).expect(ALLOW),
                aliceIf("stringLike_withWildcard_rejectsOtherValue", "{'StringLike':{'kms:EncryptionContext:Path':'/data/finance/*'}}")
                        .encryptionContext(Map.of("Path", "/data/sales/q1.csv")).expect(IMPLICIT_DENY),
                aliceIf("stringNotLike_matchingValue_fails", "{'StringNotLike':{'kms:EncryptionContext:Path':'/data/secret/*'}}")
                        .encryptionContext(Map.of("Path", "/data/secret/a")).expect(IMPLICIT_DENY),
                aliceIf("stringNotLike_otherValue_holds", "{'StringNotLike':{'kms:EncryptionContext:Path':'/data/secret/*'}}")
                        .encryptionContext(Map.of("Path", "/data/public/a")).expect(ALLOW),

                // ARN operators, on aws:PrincipalArn (a role session's is its role's ARN).
                userIf("arnLike_principalArnWildcard_matchesUser", BOB, "{'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::" + A + ":user/*'}}")
                        .expect(ALLOW),
                userIf("arnLike_principalArnWildcard_rejectsRoleSession", SESSION,
                        "{'ArnLike':{'aws:PrincipalArn':'arn:aws:iam::" + A + ":user/*'}}").expect(IMPLICIT_DENY),
                userIf("arnEquals_roleArn_matchesSessionPrincipalArn", SESSION, "{'ArnEquals':{'aws:PrincipalArn':'@role'}}")
                        .expect(ALLOW),
                userIf("arnEquals_otherUser_fails", BOB, "{'ArnEquals':{'aws:PrincipalArn':'@alice'}}").expect(IMPLICIT_DENY),
                userIf("arnNotEquals_otherUser_holds", BOB, "{'ArnNotEquals':{'aws:PrincipalArn':'@alice'}}").expect(ALLOW),
                userIf("arnNotLike_matchingUser_fails", BOB, "{'ArnNotLike':{'aws:PrincipalArn':'arn:aws:iam::*:user/b*'}}")
                        .expect(IMPLICIT_DENY),

                // Numeric operators, on kms:RotationPeriodInDays and kms:ScheduleKeyDeletionPendingWindowInDays.
                aliceIf("numericLessThanEquals_rotationPeriodWithinLimit_holds", "{'NumericLessThanEquals':{'kms:RotationPeriodInDays':'365'}}")
                        .action("kms:EnableKeyRotation").context("kms:RotationPeriodInDays", "180").expect(ALLOW),
                aliceIf("numericLessThanEquals_rotationPeriodOverLimit_fails", "{'NumericLessThanEquals':{'kms:RotationPeriodInDays':365}}")
                        .action("kms:EnableKeyRotation").context("kms:RotationPeriodInDays", "730").expect(IMPLICIT_DENY),
                aliceIf("numericEquals_sameNumberOtherSpelling_holds", "{'NumericEquals':{'kms:RotationPeriodInDays':'90'}}")
                        .action("kms:EnableKeyRotation").context("kms:RotationPeriodInDays", "90.0").expect(ALLOW),
                aliceIf("numericNotEquals_sameNumber_fails", "{'NumericNotEquals':{'kms:RotationPeriodInDays':'90'}}")
                        .action("kms:EnableKeyRotation").context("kms:RotationPeriodInDays", "90").expect(IMPLICIT_DENY),
                aliceIf("numericGreaterThan_largerWindow_holds", "{'NumericGreaterThan':{'kms:ScheduleKeyDeletionPendingWindowInDays':'14'}}")
                        .action("kms:ScheduleKeyDeletion").context("kms:ScheduleKeyDeletionPendingWindowInDays", "30").expect(ALLOW),
                when("numericLessThan_denyShortDeletionWindow_denies")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:*'}",
                                "{'Effect':'Deny','Principal':'*','Action':'kms:ScheduleKeyDeletion',"
                                        + "'Condition':{'NumericLessThan':{'kms:ScheduleKeyDeletionPendingWindowInDays':'30'}}}")
                        .caller(ALICE).does("kms:ScheduleKeyDeletion").context("kms:ScheduleKeyDeletionPendingWindowInDays", "7")
                        .expect(EXPLICIT_DENY),
                when("numericGreaterThanEquals_denyDoesNotApplyBelowBound")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:*'}",
                                "{'Effect':'Deny','Principal':'*','Action':'kms:ScheduleKeyDeletion',"
                                        + "'Condition':{'NumericGreaterThanEquals':{'kms:ScheduleKeyDeletionPendingWindowInDays':'8'}}}")
                        .caller(ALICE).does("kms:ScheduleKeyDeletion").context("kms:ScheduleKeyDeletionPendingWindowInDays", "7")
                        .expect(ALLOW),

                // Date operators, on aws:CurrentTime, with ISO-8601 and epoch seconds.
                aliceIf("dateLessThan_beforeDeadline_holds", "{'DateLessThan':{'aws:CurrentTime':'2030-01-01T00:00:00Z'}}")
                        .context("aws:CurrentTime", "2029-12-31T23:59:59Z").expect(ALLOW),
                aliceIf("dateLessThan_afterDeadlineInEpochSeconds_fails", "{'DateLessThan':{'aws:CurrentTime':'1893456000'}}")
                        .context("aws:CurrentTime", "2030-01-01T00:00:01Z").expect(IMPLICIT_DENY),
                aliceIf("dateGreaterThanEquals_sameInstantOtherOffset_holds",
                        "{'DateGreaterThanEquals':{'aws:CurrentTime':'2025-06-01T12:00:00+02:00'}}")
                        .context("aws:CurrentTime", "2025-06-01T10:00:00Z").expect(ALLOW),
                aliceIf("dateEquals_otherDay_fails", "{'DateEquals':{'aws:CurrentTime':'2025-06-01'}}")
                        .context("aws:CurrentTime", "2025-06-02T00:00:00Z").expect(IMPLICIT_DENY),
                aliceIf("dateNotEquals_otherDay_holds", "{'DateNotEquals':{'aws:CurrentTime':'2025-06-01'}}")
                        .context("aws:CurrentTime", "2025-06-02T00:00:00Z").expect(ALLOW),
                aliceIf("dateGreaterThan_beforeStart_fails", "{'DateGreaterThan':{'aws:CurrentTime':'2025-06-01T00:00:00Z'}}")
                        .context("aws:CurrentTime", "2025-05-31T23:00:00Z").expect(IMPLICIT_DENY),

                // Bool and Null.
                aliceIf("bool_true_matchesTrue", "{'Bool':{'aws:SecureTransport':true}}")
                        .context("aws:SecureTransport", "true").expect(ALLOW),
                aliceIf("bool_true_rejectsFalse", "{'Bool':{'aws:SecureTransport':'true'}}")
                        .context("aws:SecureTransport", "false").expect(IMPLICIT_DENY),
                aliceIf("bool_missingKey_isFalse", "{'Bool':{'aws:SecureTransport':'true'}}").expect(IMPLICIT_DENY),
                aliceIf("null_true_holdsWhenKeyMissing", "{'Null':{'kms:EncryptionContext:Department':'true'}}").expect(ALLOW),
                aliceIf("null_true_failsWhenKeyPresent", "{'Null':{'kms:EncryptionContext:Department':'true'}}")
                        .encryptionContext(Map.of("Department", "Finance")).expect(IMPLICIT_DENY),
                aliceIf("null_false_failsWhenKeyMissing", "{'Null':{'kms:EncryptionContextKeys':'false'}}").expect(IMPLICIT_DENY),

                // IP address operators, on aws:SourceIp.
                aliceIf("ipAddress_v4InsideCidr_holds", "{'IpAddress':{'aws:SourceIp':'203.0.113.0/24'}}")
                        .context("aws:SourceIp", "203.0.113.77").expect(ALLOW),
                aliceIf("ipAddress_v4OutsideCidr_fails", "{'IpAddress':{'aws:SourceIp':'203.0.113.0/24'}}")
                        .context("aws:SourceIp", "203.0.114.1").expect(IMPLICIT_DENY),
                aliceIf("ipAddress_v6InsideCidr_holds", "{'IpAddress':{'aws:SourceIp':['203.0.113.0/24','2001:db8::/32']}}")
                        .context("aws:SourceIp", "2001:db8:0:1::5").expect(ALLOW),
                when("notIpAddress_denyOutsideCorporateRange_denies")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:*'}",
                                "{'Effect':'Deny','Principal':'*','Action':'kms:*','Condition':{'NotIpAddress':{'aws:SourceIp':'10.0.0.0/8'}}}")
                        .caller(ALICE).does("kms:Decrypt").context("aws:SourceIp", "198.51.100.9").expect(EXPLICIT_DENY),
                when("notIpAddress_denyInsideCorporateRange_doesNotApply")
                        .key("{'Effect':'Allow','Principal':{'AWS':'@alice'},'Action':'kms:*'}",
                                "{'Effect':'Deny','Principal':'*','Action':'kms:*','Condition':{'NotIpAddress':{'aws:SourceIp':'10.0.0.0/8'}}}")
                        .caller(ALICE).does("kms:Decrypt").context("aws:SourceIp", "10.20.30.40").expect(ALLOW),

                // The other KMS condition keys.
                aliceIf("keySpec_stringEquals_matches", "{'StringEquals':{'kms:KeySpec':'SYMMETRIC_DEFAULT'}}")
                        .action("kms:CreateKey").context("kms:KeySpec", "SYMMETRIC_DEFAULT").expect(ALLOW),
                aliceIf("keySpec_stringEquals_rejectsOtherSpec", "{'StringEquals':{'kms:KeySpec':'SYMMETRIC_DEFAULT'}}")
                        .action("kms:CreateKey").context("kms:KeySpec", "RSA_2048").expect(IMPLICIT_DENY),
                aliceIf("keyUsage_stringEquals_matches", "{'StringEquals':{'kms:KeyUsage':'SIGN_VERIFY'}}")
                        .action("kms:Sign").context("kms:KeyUsage", "SIGN_VERIFY").expect(ALLOW),
                aliceIf("keyOrigin_stringEquals_rejectsExternal", "{'StringEquals':{'kms:KeyOrigin':'AWS_KMS'}}")
                        .context("kms:KeyOrigin", "EXTERNAL").expect(IMPLICIT_DENY),
                aliceIf("requestAlias_stringLike_matchesAliasUsed", "{'StringLike':{'kms:RequestAlias':'alias/finance-*'}}")
                        .context("kms:RequestAlias", "alias/finance-reports").expect(ALLOW),
                aliceIf("requestAlias_stringLike_missingWhenCalledByKeyId", "{'StringLike':{'kms:RequestAlias':'alias/finance-*'}}")
                        .expect(IMPLICIT_DENY),
                aliceIf("callerAccount_isSetFromThePrincipal", "{'StringEquals':{'kms:CallerAccount':'" + A + "'}}").expect(ALLOW),

                // Multivalued kms:EncryptionContextKeys: ForAllValues / ForAnyValue and the empty-context pitfall.
                aliceIf("forAllValues_contextKeysWithinAllowedSet_holds",
                        "{'ForAllValues:StringEquals':{'kms:EncryptionContextKeys':['Department','Project']}}")
                        .encryptionContext(Map.of("Department", "Finance")).expect(ALLOW),
                aliceIf("forAllValues_contextHasExtraKey_fails",
                        "{'ForAllValues:StringEquals':{'kms:EncryptionContextKeys':['Department','Project']}}")
                        .encryptionContext(Map.of("Department", "Finance", "Owner", "bob")).expect(IMPLICIT_DENY),
                aliceIf("forAllValues_emptyContext_holds_theDocumentedPitfall",
                        "{'ForAllValues:StringEquals':{'kms:EncryptionContextKeys':['Department','Project']}}")
                        .expect(ALLOW),
                aliceIf("forAllValuesPairedWithNullFalse_emptyContext_fails",
                        "{'ForAllValues:StringEquals':{'kms:EncryptionContextKeys':['Department','Project']},"
                                + "'Null':{'kms:EncryptionContextKeys':'false'}}")
                        .expect(IMPLICIT_DENY),
                aliceIf("forAllValuesPairedWithNullFalse_subset_holds",
                        "{'ForAllValues:StringEquals':{'kms:EncryptionContextKeys':['Department','Project']},"
                                + "'Null':{'kms:EncryptionContextKeys':'false'}}")
                        .encryptionContext(Map.of("Project", "X")).expect(ALLOW),
                aliceIf("forAnyValue_oneContextKeyMatches_holds", "{'ForAnyValue:StringEquals':{'kms:EncryptionContextKeys':'Department'}}")
                        .encryptionContext(Map.of("Department", "Finance", "Owner", "bob")).expect(ALLOW),
                aliceIf("forAnyValue_noContextKeyMatches_fails", "{'ForAnyValue:StringEquals':{'kms:EncryptionContextKeys':'Department'}}")
                        .encryptionContext(Map.of("Owner", "bob")).expect(IMPLICIT_DENY),
                aliceIf("forAnyValue_emptyContext_fails", "{'ForAnyValue:StringEquals':{'kms:EncryptionContextKeys':'Department'}}")
                        .expect(IMPLICIT_DENY),
                aliceIf("forAnyValueStringLike_prefixMatches_holds", "{'ForAnyValue:StringLike':{'kms:EncryptionContextKeys':'aws:*'}}")
                        .encryptionContext(Map.of("aws:s3:arn", "arn:aws:s3:::bucket")).expect(ALLOW),

                // ...IfExists.
                aliceIf("stringEqualsIfExists_missingKey_holds", "{'StringEqualsIfExists':{'kms:EncryptionContext:Department':'Finance'}}")
                        .expect(ALLOW),
                aliceIf("stringEqualsIfExists_presentWrongValue_fails",
                        "{'StringEqualsIfExists':{'kms:EncryptionContext:Department':'Finance'}}")
                        .encryptionContext(Map.of("Department", "Sales")).expect(IMPLICIT_DENY),
                aliceIf("boolIfExists_missingKey_holds", "{'BoolIfExists':{'aws:SecureTransport':'true'}}").expect(ALLOW),
                aliceIf("forAnyValueIfExists_emptyContext_holds",
                        "{'ForAnyValue:StringEqualsIfExists':{'kms:EncryptionContextKeys':'Department'}}").expect(ALLOW),

                // Cross-account, both ways: the key's account must allow the caller's, and the caller's identity policy too.
                when("crossAccount_keyPolicyAllowsAccountB_identityAllows_isAllowed")
                        .key(ROOT_STATEMENT, "{'Effect':'Allow','Principal':{'AWS':'@rootB'},'Action':['kms:Encrypt','kms:Decrypt']}")
                        .identity(ALLOW_IDENTITY_ENCRYPT).caller(CAROL).does("kms:Encrypt").expect(ALLOW),
                when("crossAccount_keyPolicyAllowsAccountB_noIdentityPolicy_isDenied")
                        .key(ROOT_STATEMENT, "{'Effect':'Allow','Principal':{'AWS':'@rootB'},'Action':['kms:Encrypt','kms:Decrypt']}")
                        .caller(CAROL).does("kms:Encrypt").expect(IMPLICIT_DENY),
                when("crossAccount_keyPolicyNamesForeignUser_noIdentityPolicy_isDenied")
                        .key(ROOT_STATEMENT, "{'Effect':'Allow','Principal':{'AWS':'@carol'},'Action':'kms:Encrypt'}")
                        .caller(CAROL).does("kms:Encrypt").expect(IMPLICIT_DENY),
                when("crossAccount_keyPolicyNamesForeignUser_identityAllows_isAllowed")
                        .key(ROOT_STATEMENT, "{'Effect':'Allow','Principal':{'AWS':'@carol'},'Action':'kms:Encrypt'}")
                        .identity(ALLOW_IDENTITY_ENCRYPT).caller(CAROL).does("kms:Encrypt").expect(ALLOW),
                when("crossAccount_keyPolicyAllowsAccountB_onlyForOtherActions_isDenied")
                        .key(ROOT_STATEMENT, "{'Effect':'Allow','Principal':{'AWS':'@rootB'},'Action':'kms:Decrypt'}")
                        .identity(ALLOW_IDENTITY_ALL).caller(CAROL).does("kms:Encrypt").expect(IMPLICIT_DENY),
                when("crossAccount_rootOfDelegatedAccount_needsNoIdentityPolicy")
                        .key(ROOT_STATEMENT, "{'Effect':'Allow','Principal':{'AWS':'" + B + "'},'Action':'kms:Encrypt'}")
                        .caller(ROOT_B).does("kms:Encrypt").expect(ALLOW),
                when("crossAccount_principalStar_foreignUserStillNeedsIdentityPolicy")
                        .key("{'Effect':'Allow','Principal':'*','Action':'kms:Encrypt'}")
                        .caller(CAROL).does("kms:Encrypt").expect(IMPLICIT_DENY),
                when("crossAccount_otherWay_userOfA_onKeyOfB_isAllowed")
                        .key(Policies.defaultKeyPolicy("aws", B).replace("\"Statement\" : [ {",
                                "\"Statement\" : [ {\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROOT_A + "\"},\"Action\":\"kms:Decrypt\"}, {"))
                        .identity("{'Effect':'Allow','Action':'kms:Decrypt','Resource':'@keyB'}")
                        .caller(ALICE).does("kms:Decrypt").on(KEY_B).expect(ALLOW),
                when("crossAccount_otherWay_defaultPolicyOfB_deniesUserOfA")
                        .key(DEFAULT_B).identity("{'Effect':'Allow','Action':'kms:*','Resource':'*'}")
                        .caller(ALICE).does("kms:Decrypt").on(KEY_B).expect(IMPLICIT_DENY),
                when("crossAccount_identityDenyInCallerAccount_wins")
                        .key(ROOT_STATEMENT, "{'Effect':'Allow','Principal':{'AWS':'@carol'},'Action':'kms:Encrypt'}")
                        .identity(ALLOW_IDENTITY_ALL, "{'Effect':'Deny','Action':'kms:*','Resource':'arn:aws:kms:*:" + A + ":key/*'}")
                        .caller(CAROL).does("kms:Encrypt").expect(EXPLICIT_DENY),

                // Service-managed keys: usable through the service only; service principals.
                when("serviceManagedKey_viaTheService_isAllowedWithoutKmsIdentityPolicy").key(S3_MANAGED)
                        .caller(ALICE).does("kms:GenerateDataKey").context("kms:ViaService", VIA_S3).expect(ALLOW),
                when("serviceManagedKey_calledDirectly_isDenied").key(S3_MANAGED).identity(ALLOW_IDENTITY_ALL)
                        .caller(ALICE).does("kms:Decrypt").expect(IMPLICIT_DENY),
                when("serviceManagedKey_viaAnotherService_isDenied").key(S3_MANAGED)
                        .caller(ALICE).does("kms:Decrypt").context("kms:ViaService", "ebs.us-east-1.amazonaws.com").expect(IMPLICIT_DENY),
                when("serviceManagedKey_foreignUserViaTheService_isDenied").key(S3_MANAGED).identity(ALLOW_IDENTITY_ALL)
                        .caller(CAROL).does("kms:Decrypt").context("kms:ViaService", VIA_S3).expect(IMPLICIT_DENY),
                when("serviceManagedKey_scheduleDeletionViaTheService_isDenied").key(S3_MANAGED).identity(ALLOW_IDENTITY_ALL)
                        .caller(ALICE).does("kms:ScheduleKeyDeletion").context("kms:ViaService", VIA_S3).expect(IMPLICIT_DENY),
                when("serviceManagedKey_describeKeyDirectlyWithIdentityPolicy_isAllowed").key(S3_MANAGED).identity(ALLOW_IDENTITY_ALL)
                        .caller(ALICE).does("kms:DescribeKey").expect(ALLOW),
                when("servicePrincipal_namedInKeyPolicy_isAllowed")
                        .key(ROOT_STATEMENT, "{'Effect':'Allow','Principal':{'Service':'" + CLOUDTRAIL + "'},'Action':'kms:GenerateDataKey*'}")
                        .caller(CLOUDTRAIL).does("kms:GenerateDataKey").expect(ALLOW),
                when("servicePrincipal_otherService_isDenied")
                        .key(ROOT_STATEMENT, "{'Effect':'Allow','Principal':{'Service':'" + CLOUDTRAIL + "'},'Action':'kms:GenerateDataKey*'}")
                        .caller("config.amazonaws.com").does("kms:GenerateDataKey").expect(IMPLICIT_DENY),
                when("servicePrincipal_doesNotCoverUserCallingViaThatService")
                        .key("{'Effect':'Allow','Principal':{'Service':'" + CLOUDTRAIL + "'},'Action':'kms:GenerateDataKey*'}")
                        .caller(ALICE).does("kms:GenerateDataKey").context("kms:ViaService", CLOUDTRAIL).expect(IMPLICIT_DENY),
                when("viaServiceInIdentityPolicy_throughTheService_isAllowed").key(DEFAULT)
                        .identity("{'Effect':'Allow','Action':'kms:Decrypt','Resource':'*','Condition':{'StringEquals':{'kms:ViaService':'"
                                + VIA_S3 + "'}}}")
                        .caller(ALICE).does("kms:Decrypt").context("kms:ViaService", VIA_S3).expect(ALLOW),
                when("viaServiceInIdentityPolicy_calledDirectly_isDenied").key(DEFAULT)
                        .identity("{'Effect':'Allow','Action':'kms:Decrypt','Resource':'*','Condition':{'StringEquals':{'kms:ViaService':'"
                                + VIA_S3 + "'}}}")
                        .caller(ALICE).does("kms:Decrypt").expect(IMPLICIT_DENY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decide_matchesDocumentedSemantics(Case c) {
        NamedPolicy keyPolicy = new NamedPolicy(KeyAccess.KEY_POLICY, TestJson.policy(c.keyPolicy, PolicyKind.KEY));
        List<NamedPolicy> identities = new ArrayList<>();
        for (int i = 0; i < c.identityPolicies.size(); i++) {
            identities.add(new NamedPolicy("identity policy " + i, TestJson.policy(c.identityPolicies.get(i), PolicyKind.IDENTITY)));
        }
        AuthorizationRequest request = AuthorizationRequest.of(c.caller, c.action, c.resource, c.context);

        Decision decision = KeyAccess.decide(keyPolicy, identities, request);

        assertEquals(c.expected, decision.outcome(), decision.reason());
        assertEquals(c.expected == IMPLICIT_DENY, decision.deciding().isEmpty(), decision.reason());
        assertFalse(decision.reason().isBlank());
        assertTrue(decision.evaluations().size() == 1 + identities.size());
    }

    static String name(String token) {
        return NAMES.get(token);
    }

    /** Replaces ' by " and each @name by its ARN. */
    static String json(String text) {
        String result = text.replace('\'', '"');
        for (Map.Entry<String, String> e : NAMES.entrySet()) {
            result = result.replace(e.getKey(), e.getValue());
        }
        return result;
    }

    static String document(String... statements) {
        if (statements.length == 1 && statements[0].contains("\"Version\"")) {
            return statements[0];
        }
        return json("{'Version':'2012-10-17','Statement':[" + String.join(",", statements) + "]}");
    }

    static Case when(String name) {
        return new Case(name);
    }

    /** A key policy granting alice kms:* directly under the given Condition block, alice calling kms:Encrypt. */
    static Case aliceIf(String name, String condition) {
        return userIf(name, ALICE, condition);
    }

    static Case userIf(String name, String caller, String condition) {
        return when(name).key("{'Effect':'Allow','Principal':{'AWS':['@alice','@bob','@role']},'Action':'kms:*','Condition':"
                + condition + "}").caller(caller).does("kms:Encrypt");
    }

    /** One row of the matrix; built fluently so the table above reads like a sentence. */
    static final class Case {
        final String name;
        String keyPolicy;
        final List<String> identityPolicies = new ArrayList<>();
        String caller;
        String action;
        String resource = KEY;
        final Map<String, List<String>> context = new LinkedHashMap<>();
        Decision.Outcome expected;

        Case(String name) {
            this.name = name;
        }

        Case key(String... statements) {
            keyPolicy = document(statements);
            return this;
        }

        Case identity(String... statements) {
            for (String statement : statements) {
                identityPolicies.add(document(statement));
            }
            return this;
        }

        Case caller(String arn) {
            caller = arn;
            return this;
        }

        Case does(String action) {
            this.action = action;
            return this;
        }

        Case action(String action) {
            return does(action);
        }

        Case on(String resource) {
            this.resource = resource;
            return this;
        }

        Case context(String key, String... values) {
            context.put(key, List.of(values));
            return this;
        }

        Case encryptionContext(Map<String, String> encryptionContext) {
            context.putAll(ConditionKeys.builder().encryptionContext(encryptionContext).build());
            return this;
        }

        Case expect(Decision.Outcome outcome) {
            expected = outcome;
            return this;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
