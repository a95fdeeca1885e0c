package dev.kms.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-account rate limits as the AWS SDK sees them: ThrottlingException, which it retries with backoff. */
class ThrottlingTest {
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    ServerFixture fixture;

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    KmsClient client(String accessKeyId, String secret) {
        return KmsClient.builder()
                .endpointOverride(fixture.server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @Test
    void requestsOverTheAccountsRate_areThrottlingException_otherAccountsAreNot() {
        fixture = ServerFixture.withRateLimiter(new RequestRateLimiter(2, nanos::get));
        try (KmsClient root = client(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET);
             KmsClient alice = client(ServerFixture.USER_KEY, ServerFixture.USER_SECRET);
             KmsClient other = client(ServerFixture.OTHER_ROOT_KEY, ServerFixture.OTHER_ROOT_SECRET)) {
            root.listKeys(r -> { });
            root.listKeys(r -> { });

            KmsException throttled = assertThrows(KmsException.class, () -> root.listKeys(r -> { }));
            assertEquals("ThrottlingException", throttled.awsErrorDetails().errorCode());
            assertEquals(400, throttled.statusCode());
            assertTrue(throttled.isThrottlingException());
            // alice is in the same account: she shares its quota
            KmsException aliceThrottled = assertThrows(KmsException.class, () -> alice.listKeys(r -> { }));
            assertEquals("ThrottlingException", aliceThrottled.awsErrorDetails().errorCode());
            // another account has its own
            other.listKeys(r -> { });

            nanos.addAndGet(500_000_000L); // one request's worth at 2 per second
            root.listKeys(r -> { });
        }
    }

    @Test
    void unauthenticatedRequests_doNotUseTheAccountsQuota() {
        fixture = ServerFixture.withRateLimiter(new RequestRateLimiter(1, nanos::get));
        try (KmsClient wrong = client(ServerFixture.ROOT_KEY, "not-the-secret");
             KmsClient root = client(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET)) {
            for (int i = 0; i < 3; i++) {
                KmsException e = assertThrows(KmsException.class, () -> wrong.listKeys(r -> { }));
                assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
            }
            root.listKeys(r -> { });
        }
    }

    /** The SDK's standard retries back off and succeed once the bucket refills. */
    @Test
    void sdkWithRetries_succeedsOnceTheBucketRefills() {
        fixture = ServerFixture.withRateLimiter(RequestRateLimiter.perAccount(5));
        try (KmsClient retrying = KmsClient.builder()
                .endpointOverride(fixture.server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET)))
                .build()) {
            int succeeded = 0;
            for (int i = 0; i < 8; i++) {
                try {
                    retrying.listKeys(r -> { });
                    succeeded++;
                } catch (SdkException e) {
                    // the SDK's retry budget may run out; the count below says whether retries helped
                }
            }
            assertTrue(succeeded > 5, "succeeded " + succeeded);
        }
    }
}
