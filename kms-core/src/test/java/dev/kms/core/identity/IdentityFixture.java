package dev.kms.core.identity;

import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.fake.InMemoryIdentityStore;
import dev.kms.core.fake.MutableClock;
import dev.kms.core.model.Deployment;
import dev.kms.core.policy.TestJson;
import dev.kms.core.port.PolicyParser;

import java.time.Instant;

/** The identity services of one deployment on fakes, with the deployment account and a second one. */
final class IdentityFixture {
    static final String ACCOUNT = "111122223333";
    static final String OTHER_ACCOUNT = "444455556666";
    static final PolicyParser PARSER = TestJson::policy;

    final MutableClock clock = new MutableClock(Instant.parse("2025-01-02T03:04:05Z"));
    final Deployment deployment = new Deployment("aws", "us-east-1", ACCOUNT);
    final InMemoryHsm hsm = new InMemoryHsm();
    final InMemoryIdentityStore store = new InMemoryIdentityStore();
    final IdentityServices services = IdentityServices.create(deployment, hsm, store, store, PARSER, clock);
    final IamService iam = services.iam();
    final StsService sts = services.sts();
    final Authenticator authenticator = services.authenticator();

    IdentityFixture() {
        store.insertAccount(new Account(OTHER_ACCOUNT, clock.instant()));
    }

    static RequestContext root(String account) {
        return RequestContext.direct(Principal.root("aws", account), "10.0.0.1", "test");
    }

    static RequestContext as(Principal principal) {
        return RequestContext.direct(principal, "10.0.0.1", "test");
    }

    /** A user of {@code account} with a key, authenticated: the principal its requests carry. */
    Principal userPrincipal(String account, String userName) {
        iam.createUser(root(account), userName);
        try (CreatedAccessKey key = iam.createAccessKey(root(account), userName)) {
            return authenticator.authenticate(key.accessKey().accessKeyId(), key.secretAccessKey().chars(), null);
        }
    }

    static String trust(String awsPrincipal) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                + awsPrincipal + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    }

    static final String ALLOW_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"*\",\"Resource\":\"*\"}]}";
    static final String ALLOW_ENCRYPT = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"kms:Encrypt\",\"Resource\":\"*\"}]}";
    static final String DENY_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
            + "\"Action\":\"*\",\"Resource\":\"*\"}]}";
}
