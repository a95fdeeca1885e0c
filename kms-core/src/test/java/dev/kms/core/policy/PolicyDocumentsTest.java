package dev.kms.core.policy;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyDocumentsTest {
    private static final String ALICE = "arn:aws:iam::111122223333:user/alice";

    private static Policy read(String json, PolicyKind kind) {
        return TestJson.policy(json.replace('\'', '"'), kind);
    }

    private static String keyStatement(String members) {
        return "{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'" + ALICE + "'},"
                + "'Action':'kms:Encrypt'" + members + "}]}";
    }

    private static void assertMalformed(String json, PolicyKind kind, String message) {
        KmsException e = assertThrows(KmsException.class, () -> read(json, kind));
        assertEquals(ErrorCode.MALFORMED_POLICY_DOCUMENT, e.code());
        assertEquals(message, e.getMessage());
    }

    @Test
    void fromTree_defaultKeyPolicy_readsEveryElement() {
        Policy policy = TestJson.policy(Policies.defaultKeyPolicy("aws", "111122223333"), PolicyKind.KEY);

        Statement s = DefaultKeyPolicyAssertions.assertVersionIdAndFirstStatement(policy);
        assertEquals(new PrincipalSpec(false, List.of("arn:aws:iam::111122223333:root"), List.of()), s.principal());
        assertEquals(new Patterns(false, List.of("kms:*")), s.actions());
        assertEquals(new Patterns(false, List.of("*")), s.resources());
        assertTrue(s.conditions().isEmpty());
    }

    @Test
    void fromTree_singleStatementObject_isAListOfOne() {
        Policy policy = read("{'Statement':{'Effect':'Deny','NotPrincipal':'*','NotAction':'kms:Decrypt','NotResource':'*'}}",
                PolicyKind.KEY);

        assertEquals(Policy.VERSION_2008_10_17, policy.version());
        assertNull(policy.id());
        Statement s = policy.statements().get(0);
        assertTrue(s.principal().negated() && s.actions().negated() && s.resources().negated());
    }

    @Test
    void fromTree_conditions_readQualifierIfExistsAndTypedValues() {
        Policy policy = read(keyStatement(",'Condition':{'ForAllValues:StringLikeIfExists':{'kms:EncryptionContextKeys':['a*','b']},"
                + "'Bool':{'aws:SecureTransport':true},'NumericLessThan':{'kms:RotationPeriodInDays':[365, 400.5]}}"), PolicyKind.KEY);

        List<Condition> conditions = policy.statements().get(0).conditions();
        assertEquals(new Condition(ConditionOperator.StringLike, Condition.Qualifier.FOR_ALL_VALUES, true,
                "kms:EncryptionContextKeys", List.of("a*", "b")), conditions.get(0));
        assertEquals("ForAllValues:StringLikeIfExists", conditions.get(0).operatorName());
        assertEquals(List.of("true"), conditions.get(1).values());
        assertEquals(List.of("365", "400.5"), conditions.get(2).values());
    }

    @Test
    void fromTree_trustPolicy_acceptsAssumeRole() {
        Policy policy = read("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Principal':{'AWS':'111122223333'},"
                + "'Action':'sts:AssumeRole'}]}", PolicyKind.TRUST);

        assertNull(policy.statements().get(0).resources());
    }

    @Test
    void fromTree_identityPolicy_hasNoPrincipal() {
        Policy policy = read("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':['kms:Encrypt','kms:Decrypt'],"
                + "'Resource':'arn:aws:kms:*:111122223333:key/*'}]}", PolicyKind.IDENTITY);

        assertNull(policy.statements().get(0).principal());
    }

    @Test
    void fromTree_identityPolicy_mayAllowIamActions() {
        Policy policy = read("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':['iam:*User*','iam:CreateAccessKey'],"
                + "'Resource':'arn:aws:iam::111122223333:user/*'}]}", PolicyKind.IDENTITY);
        assertEquals(List.of("iam:*User*", "iam:CreateAccessKey"), policy.statements().get(0).actions().values());
    }

    @Test
    void fromTree_identityPolicy_mayAllowAssumeRole() {
        Policy policy = read("{'Version':'2012-10-17','Statement':[{'Effect':'Allow','Action':['sts:AssumeRole','kms:Encrypt'],"
                + "'Resource':'arn:aws:iam::111122223333:role/ops'}]}", PolicyKind.IDENTITY);

        assertEquals(List.of("sts:AssumeRole", "kms:Encrypt"), policy.statements().get(0).actions().values());
    }

    @Test
    void checkSize_overLimit_namesTheLimit() {
        String big = "{\"Id\":\"" + "x".repeat(Policy.MAX_DOCUMENT_CHARS) + "\"}";
        KmsException e = assertThrows(KmsException.class, () -> PolicyDocuments.checkSize(big));
        assertEquals(ErrorCode.MALFORMED_POLICY_DOCUMENT, e.code());
        assertEquals("Policy document: " + big.length() + " characters exceeds the limit of 32768 characters (32 KB)", e.getMessage());
    }

    @Test
    void checkSize_atLimit_passes() {
        PolicyDocuments.checkSize("x".repeat(Policy.MAX_DOCUMENT_CHARS));
    }

    @Test
    void checkSize_empty_isMalformed() {
        KmsException e = assertThrows(KmsException.class, () -> PolicyDocuments.checkSize("  "));
        assertEquals("Policy document: is empty", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            rootNotObject                | ['x']                                                             | KEY      | Policy document: must be an object, not a list
            unknownTopLevelMember        | {'Version':'2012-10-17','Statment':[]}                            | KEY      | Policy document: unknown member 'Statment'; a policy has only Version, Id and Statement
            badVersion                   | {'Version':'2012-10-18','Statement':[]}                           | KEY      | Version: must be "2012-10-17" or "2008-10-17", not "2012-10-18"
            versionNotString             | {'Version':2012,'Statement':[]}                                   | KEY      | Version: must be a string, not a number
            idNotString                  | {'Id':['a'],'Statement':[]}                                       | KEY      | Id: must be a string, not a list
            missingStatement             | {'Version':'2012-10-17'}                                          | KEY      | Statement: is required
            emptyStatementList           | {'Statement':[]}                                                  | KEY      | Statement: must hold at least one statement
            statementNotObject           | {'Statement':'Allow'}                                             | KEY      | Statement: must be an object or a list of objects
            statementItemNotObject       | {'Statement':[true]}                                              | KEY      | Statement[0]: must be an object, not a boolean
            unknownStatementMember       | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Actions':'x'}]} | KEY | Statement[0]: unknown member 'Actions'; a statement has only Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition
            missingEffect                | {'Statement':[{'Principal':'*','Action':'kms:*'}]}                | KEY      | Statement[0]: Effect is required and must be Allow or Deny
            badEffect                    | {'Statement':[{'Effect':'allow','Principal':'*','Action':'kms:*'}]} | KEY    | Statement[0]: Effect must be Allow or Deny, not 'allow'
            sidNotString                 | {'Statement':[{'Sid':1,'Effect':'Allow','Principal':'*','Action':'kms:*'}]} | KEY | Statement[0].Sid: must be a string, not a number
            duplicateSid                 | {'Statement':[{'Sid':'A','Effect':'Allow','Principal':'*','Action':'kms:*'},{'Sid':'A','Effect':'Deny','Principal':'*','Action':'kms:*'}]} | KEY | Statement[1].Sid: 'A' is used by an earlier statement; Sids must be unique
            keyPolicyWithoutPrincipal    | {'Statement':[{'Effect':'Allow','Action':'kms:*'}]}               | KEY      | Statement[0]: needs a Principal or NotPrincipal in a key policy
            trustPolicyWithoutPrincipal  | {'Statement':[{'Effect':'Allow','Action':'sts:AssumeRole'}]}      | TRUST    | Statement[0]: needs a Principal or NotPrincipal in a trust policy
            principalAndNotPrincipal     | {'Statement':[{'Effect':'Allow','Principal':'*','NotPrincipal':'*','Action':'kms:*'}]} | KEY | Statement[0]: has both Principal and NotPrincipal; use exactly one
            identityPolicyWithPrincipal  | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Resource':'*'}]} | IDENTITY | Statement[0]: Principal is not allowed in an identity policy; it applies to the user or role it is attached to
            principalNotObject           | {'Statement':[{'Effect':'Allow','Principal':['*'],'Action':'kms:*'}]} | KEY  | Statement[0].Principal: must be "*" or an object with AWS and/or Service, not a list
            unsupportedPrincipalType     | {'Statement':[{'Effect':'Allow','Principal':{'Federated':'x'},'Action':'kms:*'}]} | KEY | Statement[0].Principal: unsupported principal type 'Federated'; use AWS or Service
            emptyPrincipalObject         | {'Statement':[{'Effect':'Allow','Principal':{},'Action':'kms:*'}]} | KEY     | Statement[0].Principal: must name at least one AWS or Service principal
            badAwsPrincipal              | {'Statement':[{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::111122223333:user/*'},'Action':'kms:*'}]} | KEY | Statement[0].Principal.AWS: 'arn:aws:iam::111122223333:user/*' is not "*", a 12-digit account id or an IAM root, user, role or assumed-role ARN
            shortAccountId               | {'Statement':[{'Effect':'Allow','NotPrincipal':{'AWS':['12345']},'Action':'kms:*'}]} | KEY | Statement[0].NotPrincipal.AWS: '12345' is not "*", a 12-digit account id or an IAM root, user, role or assumed-role ARN
            badServicePrincipal          | {'Statement':[{'Effect':'Allow','Principal':{'Service':'Cloud Trail'},'Action':'kms:*'}]} | KEY | Statement[0].Principal.Service: 'Cloud Trail' is not a service principal name such as cloudtrail.amazonaws.com
            principalListItemNotString   | {'Statement':[{'Effect':'Allow','Principal':{'AWS':['*',7]},'Action':'kms:*'}]} | KEY | Statement[0].Principal.AWS[1]: must be a string, not a number
            missingAction                | {'Statement':[{'Effect':'Allow','Principal':'*'}]}                | KEY      | Statement[0]: needs an Action or NotAction
            actionAndNotAction           | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','NotAction':'kms:Sign'}]} | KEY | Statement[0]: has both Action and NotAction; use exactly one
            emptyActionList              | {'Statement':[{'Effect':'Allow','Principal':'*','Action':[]}]}    | KEY      | Statement[0].Action: must not be an empty list
            nonKmsAction                 | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'s3:GetObject'}]} | KEY | Statement[0].Action: 's3:GetObject' is not a KMS action (kms:NAME, wildcards * and ? allowed) or *
            nonKmsNotActionInIdentity    | {'Statement':[{'Effect':'Allow','NotAction':'s3:*','Resource':'*'}]} | IDENTITY | Statement[0].NotAction: 's3:*' is not a KMS action (kms:NAME, wildcards * and ? allowed) or *, an IAM action (iam:NAME) or sts:AssumeRole
            otherStsActionInIdentity     | {'Statement':[{'Effect':'Allow','Action':'sts:GetCallerIdentity','Resource':'*'}]} | IDENTITY | Statement[0].Action: 'sts:GetCallerIdentity' is not a KMS action (kms:NAME, wildcards * and ? allowed) or *, an IAM action (iam:NAME) or sts:AssumeRole
            iamActionInKeyPolicy         | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'iam:CreateUser'}]} | KEY | Statement[0].Action: 'iam:CreateUser' is not a KMS action (kms:NAME, wildcards * and ? allowed) or *
            assumeRoleInKeyPolicy        | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'sts:AssumeRole'}]} | KEY | Statement[0].Action: 'sts:AssumeRole' is not a KMS action (kms:NAME, wildcards * and ? allowed) or *
            kmsActionInTrustPolicy       | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:Encrypt'}]} | TRUST | Statement[0].Action: 'kms:Encrypt' is not allowed in a trust policy; use sts:AssumeRole
            identityWithoutResource      | {'Statement':[{'Effect':'Allow','Action':'kms:*'}]}               | IDENTITY | Statement[0]: needs a Resource or NotResource
            resourceAndNotResource       | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Resource':'*','NotResource':'*'}]} | KEY | Statement[0]: has both Resource and NotResource; use exactly one
            resourceInTrustPolicy        | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'sts:AssumeRole','Resource':'*'}]} | TRUST | Statement[0]: Resource is not allowed in a trust policy; the resource is the role
            badResource                  | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Resource':'key/1'}]} | KEY | Statement[0].Resource: 'key/1' is not * or an ARN
            conditionNotObject           | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':[]}]} | KEY | Statement[0].Condition: must be an object, not a list
            unknownOperator              | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*'},{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'StringEqual':{'kms:ViaService':'x'}}}]} | KEY | Statement[1].Condition.StringEqual: unknown operator 'StringEqual'
            unknownQualifier             | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'ForSomeValues:StringEquals':{'kms:ViaService':'x'}}}]} | KEY | Statement[0].Condition.ForSomeValues:StringEquals: unknown operator 'ForSomeValues:StringEquals'
            nullWithIfExists             | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'NullIfExists':{'kms:ViaService':'true'}}}]} | KEY | Statement[0].Condition.NullIfExists: Null takes neither ForAnyValue:/ForAllValues: nor IfExists
            operatorBlockNotObject       | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'StringEquals':'x'}}]} | KEY | Statement[0].Condition.StringEquals: must be an object, not 'x'
            operatorBlockEmpty           | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'StringEquals':{}}}]} | KEY | Statement[0].Condition.StringEquals: must name at least one condition key
            badConditionKey              | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'StringEquals':{'ViaService':'x'}}}]} | KEY | Statement[0].Condition.StringEquals.ViaService: 'ViaService' is not a condition key (prefix:name, e.g. kms:ViaService)
            emptyConditionValues         | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'StringEquals':{'kms:ViaService':[]}}}]} | KEY | Statement[0].Condition.StringEquals.kms:ViaService: must have at least one value
            objectConditionValue         | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'StringEquals':{'kms:ViaService':{'a':'b'}}}}]} | KEY | Statement[0].Condition.StringEquals.kms:ViaService: values must be strings, numbers or booleans, not an object
            notANumber                   | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'NumericLessThan':{'kms:RotationPeriodInDays':'a year'}}}]} | KEY | Statement[0].Condition.NumericLessThan.kms:RotationPeriodInDays: 'a year' is not a number (operator NumericLessThan)
            notADate                     | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'DateLessThan':{'aws:CurrentTime':'tomorrow'}}}]} | KEY | Statement[0].Condition.DateLessThan.aws:CurrentTime: 'tomorrow' is not an ISO-8601 date or epoch seconds (operator DateLessThan)
            notABoolean                  | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'Bool':{'aws:SecureTransport':'yes'}}}]} | KEY | Statement[0].Condition.Bool.aws:SecureTransport: 'yes' is not true or false (operator Bool)
            notACidr                     | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'IpAddress':{'aws:SourceIp':'10.0.0.0/33'}}}]} | KEY | Statement[0].Condition.IpAddress.aws:SourceIp: '10.0.0.0/33' is not an IPv4 or IPv6 address or CIDR (operator IpAddress)
            hostNameIsNotAnAddress       | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'NotIpAddress':{'aws:SourceIp':'example.com'}}}]} | KEY | Statement[0].Condition.NotIpAddress.aws:SourceIp: 'example.com' is not an IPv4 or IPv6 address or CIDR (operator NotIpAddress)
            notAnArn                     | {'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':{'ArnLike':{'aws:PrincipalArn':'user/alice'}}}]} | KEY | Statement[0].Condition.ArnLike.aws:PrincipalArn: 'user/alice' is not an ARN (operator ArnLike)
            """)
    void fromTree_malformedDocument_saysWhatAndWhere(String name, String json, PolicyKind kind, String message) {
        assertMalformed(json, kind, message);
    }

    @Test
    void fromTree_explicitNullMember_isMalformed() {
        assertMalformed("{'Statement':[{'Effect':'Allow','Principal':'*','Action':'kms:*','Condition':null}]}", PolicyKind.KEY,
                "Statement[0].Condition: must be an object, not null");
    }

    @Test
    void fromTree_ipv6AndEpochValues_areAccepted() {
        Policy policy = read(keyStatement(",'Condition':{'IpAddress':{'aws:SourceIp':['2001:db8::/32','::1']},"
                + "'DateGreaterThan':{'aws:CurrentTime':'1700000000'}}"), PolicyKind.KEY);
        assertFalse(policy.statements().get(0).conditions().isEmpty());
    }
}
