package dev.kms.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The AWS SDK for Java v2 KMS client against the server's clock check, which needs the fixture's clock. Every
 * operation and error through the SDK is proven on the real wiring in kms-cli (KmsServerSdkOperationsTest,
 * KmsServerSdkErrorsTest).
 */
class KmsSdkClientTest {
    ServerFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ServerFixture();
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    KmsClientBuilder client() {
        return KmsClient.builder()
                .endpointOverride(fixture.server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ServerFixture.ROOT_KEY, ServerFixture.ROOT_SECRET)));
    }

    @Test
    void anyCall_clientClockTwentyMinutesOff_withoutRetries_isRequestExpired() {
        fixture.clock.advance(Duration.ofMinutes(20));
        try (KmsClient noRetries = client()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build()) {
            SdkServiceException e = assertThrows(SdkServiceException.class, () -> noRetries.listKeys(r -> { }));
            assertEquals("RequestExpired", ((KmsException) e).awsErrorDetails().errorCode());
            assertEquals(e.requestId(), UUID.fromString(e.requestId()).toString());
        }
    }

    /** Like AWS, the server sends its clock in Date, from which the SDK corrects its skew and retries. */
    @Test
    void anyCall_clientClockTwentyMinutesOff_sdkCorrectsTheSkewAndRetries() {
        fixture.clock.advance(Duration.ofMinutes(20));
        try (KmsClient kms = client().build()) {
            assertNotNull(kms.listKeys(r -> { }).keys());
        }
    }
}
