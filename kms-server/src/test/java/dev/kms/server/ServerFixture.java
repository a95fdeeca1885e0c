package dev.kms.server;

import dev.kms.api.JsonPolicyParser;
import dev.kms.api.KmsJsonApi;
import dev.kms.core.fake.FakePrincipalDirectory;
import dev.kms.core.fake.InMemoryHsm;
import dev.kms.core.fake.InMemoryMetadataStore;
import dev.kms.core.fake.MutableClock;
import dev.kms.core.identity.Principal;
import dev.kms.core.model.Deployment;
import dev.kms.core.policy.PrincipalType;
import dev.kms.core.port.Hsm;
import dev.kms.core.port.MetadataStore;
import dev.kms.core.service.Kms;
import dev.kms.wire.MapCredentials;
import dev.kms.wire.SigV4Verifier;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server on an ephemeral loopback port over the in-memory key service: one access key of the account root,
 * one of a user without identity policies. The clock starts at the real time, since clients sign with theirs.
 */
final class ServerFixture implements AutoCloseable {
    static final String ACCOUNT = "111122223333";
    static final String REGION = "us-east-1";
    static final String ROOT_KEY = "AKIAROOTROOTROOTROOT";
    static final String ROOT_SECRET = "rootSecretrootSecretrootSecretrootSecret";
    static final String USER_KEY = "AKIAUSERUSERUSERUSER";
    static final String USER_SECRET = "userSecretuserSecretuserSecretuserSecret";
    static final String USER_ARN = "arn:aws:iam::" + ACCOUNT + ":user/alice";
    static final String OTHER_ACCOUNT = "444455556666";
    static final String OTHER_ROOT_KEY = "AKIAOTHEROTHEROTHER0";
    static final String OTHER_ROOT_SECRET = "otherSecretotherSecretotherSecretotherSe";

    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    final AtomicBoolean ready = new AtomicBoolean(true);
    final String region;
    final Kms kms;
    final KmsHttpServer server;

    ServerFixture() {
        this(null);
    }

    ServerFixture(KmsOperations operations) {
        this(KmsHttpServer.Options.defaults(0).withStopTimeout(Duration.ofSeconds(10)), operations);
    }

    /** {@code operations} null: the real JSON API. */
    ServerFixture(KmsHttpServer.Options options, KmsOperations operations) {
        this(options, operations, REGION, new InMemoryHsm(), new InMemoryMetadataStore(),
                RequestRateLimiter.perAccount(RequestRateLimiter.DEFAULT_REQUESTS_PER_SECOND));
    }

    /** A server whose accounts are limited by {@code limiter}. */
    static ServerFixture withRateLimiter(RequestRateLimiter limiter) {
        return new ServerFixture(KmsHttpServer.Options.defaults(0).withStopTimeout(Duration.ofSeconds(10)), null,
                REGION, new InMemoryHsm(), new InMemoryMetadataStore(), limiter);
    }

    /** A server with these options over the real JSON API. */
    static ServerFixture withOptions(KmsHttpServer.Options options) {
        return new ServerFixture(options.withStopTimeout(Duration.ofSeconds(10)), null);
    }

    /** A server of its own region over the given HSM and store (the same account and access keys). */
    static ServerFixture inRegion(String region, Hsm hsm, MetadataStore store) {
        return new ServerFixture(KmsHttpServer.Options.defaults(0).withStopTimeout(Duration.ofSeconds(10)), null,
                region, hsm, store, RequestRateLimiter.perAccount(RequestRateLimiter.DEFAULT_REQUESTS_PER_SECOND));
    }

    private ServerFixture(KmsHttpServer.Options options, KmsOperations operations, String region, Hsm hsm,
                          MetadataStore store, RequestRateLimiter limiter) {
        this.region = region;
        Deployment deployment = new Deployment("aws", region, ACCOUNT);
        FakePrincipalDirectory directory = new FakePrincipalDirectory(ACCOUNT).principal(USER_ARN);
        kms = Kms.create(deployment, hsm, store, new JsonPolicyParser(), directory, clock);
        MapCredentials credentials = new MapCredentials()
                .add(ROOT_KEY, ROOT_SECRET, Principal.root("aws", ACCOUNT))
                .add(USER_KEY, USER_SECRET, new Principal(PrincipalType.USER, USER_ARN, ACCOUNT,
                        "AIDAALICEALICEALICE1", "alice", USER_KEY))
                .add(OTHER_ROOT_KEY, OTHER_ROOT_SECRET, Principal.root("aws", OTHER_ACCOUNT));
        KmsOperations ops = operations != null ? operations : new KmsJsonApi(kms)::call;
        ApiEndpoint endpoint = new ApiEndpoint(ops, new SigV4Verifier(region, clock, credentials), ready::get,
                options.maxBodyBytes(), limiter);
        server = new KmsHttpServer(options, endpoint, clock).start();
    }

    @Override
    public void close() {
        server.close();
    }
}
