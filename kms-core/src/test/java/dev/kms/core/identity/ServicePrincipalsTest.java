package dev.kms.core.identity;

import dev.kms.core.error.ErrorCode;
import dev.kms.core.error.KmsException;
import dev.kms.core.policy.PrincipalType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static dev.kms.core.identity.IdentityFixture.ACCOUNT;
import static dev.kms.core.identity.IdentityFixture.OTHER_ACCOUNT;
import static dev.kms.core.identity.IdentityFixture.as;
import static dev.kms.core.identity.IdentityFixture.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Service principals in IamService, their keys in the Authenticator, and OnBehalfOf. */
class ServicePrincipalsTest {
    private static final String BACKUP = "backup.us-east-1.kms.local";

    private final IdentityFixture f = new IdentityFixture();
    private final RequestContext root = root(ACCOUNT);
    private ServicePrincipal backup;
    private String serviceKeyId;
    private char[] serviceSecret;
    private Principal alice;

    @BeforeEach
    void createBackupServiceAndAlice() {
        backup = f.iam.createServicePrincipal(root, BACKUP);
        try (CreatedAccessKey key = f.iam.createServiceAccessKey(root, BACKUP)) {
            serviceKeyId = key.accessKey().accessKeyId();
            serviceSecret = key.secretAccessKey().chars().clone();
        }
        f.iam.createUser(root, "alice");
        try (CreatedAccessKey key = f.iam.createAccessKey(root, "alice")) {
            alice = f.authenticator.authenticate(key.accessKey().accessKeyId(), key.secretAccessKey().chars(), null);
        }
    }

    private static void assertError(ErrorCode code, String fragment, Executable call) {
        KmsException e = assertThrows(KmsException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void createServicePrincipal_isListed_andItsKeyIsListedUnderIt() {
        assertEquals(List.of(backup), f.iam.listServicePrincipals(root));
        assertTrue(backup.serviceId().startsWith("AIDS"));
        assertEquals(List.of(serviceKeyId),
                f.iam.listServiceAccessKeys(root, BACKUP).stream().map(AccessKey::accessKeyId).toList());
    }

    @Test
    void createServicePrincipal_byAnotherAccountsRootOrAUser_isDenied() {
        assertError(ErrorCode.ACCESS_DENIED, "iam:CreateServicePrincipal",
                () -> f.iam.createServicePrincipal(root(OTHER_ACCOUNT), "archive.us-east-1.kms.local"));
        assertError(ErrorCode.ACCESS_DENIED, "iam:CreateServicePrincipal",
                () -> f.iam.createServicePrincipal(as(alice), "archive.us-east-1.kms.local"));
        assertError(ErrorCode.ACCESS_DENIED, "iam:CreateAccessKey",
                () -> f.iam.createServiceAccessKey(as(alice), BACKUP));
    }

    @Test
    void createServicePrincipal_withABadOrTakenName_fails() {
        assertError(ErrorCode.VALIDATION, "serviceName", () -> f.iam.createServicePrincipal(root, "backup"));
        assertError(ErrorCode.VALIDATION, "serviceName", () -> f.iam.createServicePrincipal(root, "Backup.us-east-1"));
        assertError(ErrorCode.ALREADY_EXISTS, BACKUP, () -> f.iam.createServicePrincipal(root, BACKUP));
    }

    @Test
    void createServiceAccessKey_forAnUnknownService_failsWithNotFound() {
        assertError(ErrorCode.NOT_FOUND, "The service principal with name archive.us-east-1.kms.local cannot be found.",
                () -> f.iam.createServiceAccessKey(root, "archive.us-east-1.kms.local"));
    }

    @Test
    void deleteServicePrincipal_needsItsKeysDeletedFirst_andThenItsKeysNoLongerAuthenticate() {
        assertError(ErrorCode.DELETE_CONFLICT, "must delete access keys first", () -> f.iam.deleteServicePrincipal(root, BACKUP));
        f.iam.deleteServiceAccessKey(root, BACKUP, serviceKeyId);
        f.iam.deleteServicePrincipal(root, BACKUP);
        assertTrue(f.iam.listServicePrincipals(root).isEmpty());
        assertError(ErrorCode.ACCESS_DENIED, CredentialsRefused.Reason.INVALID_TOKEN.message(),
                () -> f.authenticator.authenticate(serviceKeyId, serviceSecret, null));
    }

    @Test
    void deleteServiceAccessKey_ofAUsersKey_failsWithNotFound() {
        String aliceKey = alice.accessKeyId();
        assertError(ErrorCode.NOT_FOUND, aliceKey, () -> f.iam.deleteServiceAccessKey(root, BACKUP, aliceKey));
    }

    @Test
    void authenticate_aServiceKey_givesTheServicePrincipal_withoutIdentityPolicies() {
        Principal p = f.authenticator.authenticate(serviceKeyId, serviceSecret, null);
        assertEquals(new Principal(PrincipalType.SERVICE, BACKUP, ACCOUNT, backup.serviceId(), BACKUP, serviceKeyId), p);
        assertEquals("AWSService", p.cloudTrailType());
        assertTrue(f.authenticator.identityPolicies(p).isEmpty());
    }

    @Test
    void authenticate_aServiceKeyWithAWrongSecret_isRefused() {
        char[] wrong = serviceSecret.clone();
        wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
        assertError(ErrorCode.ACCESS_DENIED, "signature", () -> f.authenticator.authenticate(serviceKeyId, wrong, null));
    }

    @Test
    void onBehalfOf_aUserThroughAService_isTheUsersRequestViaTheService() {
        Principal service = f.authenticator.authenticate(serviceKeyId, serviceSecret, null);
        RequestContext ctx = OnBehalfOf.context(alice, service, "192.0.2.1", "backup-agent");
        assertEquals(alice, ctx.principal());
        assertEquals(BACKUP, ctx.viaService());
        assertNull(RequestContext.direct(alice, null, null).viaService());
    }

    @Test
    void onBehalfOf_withAUserAsTheService_orAServiceAsTheUser_isDenied() {
        Principal service = f.authenticator.authenticate(serviceKeyId, serviceSecret, null);
        assertError(ErrorCode.ACCESS_DENIED, "not a service principal", () -> OnBehalfOf.context(alice, alice, null, null));
        assertError(ErrorCode.ACCESS_DENIED, "not a service principal",
                () -> OnBehalfOf.context(alice, root.principal(), null, null));
        assertError(ErrorCode.ACCESS_DENIED, "only on behalf of", () -> OnBehalfOf.context(service, service, null, null));
    }
}
