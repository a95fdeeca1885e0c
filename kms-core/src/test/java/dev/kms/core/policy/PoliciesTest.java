package dev.kms.core.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PoliciesTest {

    @Test
    void defaultKeyPolicy_isTheAwsTextForThePartitionAndAccount() {
        assertEquals("""
                {
                  "Version" : "2012-10-17",
                  "Id" : "key-default-1",
                  "Statement" : [ {
                    "Sid" : "Enable IAM User Permissions",
                    "Effect" : "Allow",
                    "Principal" : {
                      "AWS" : "arn:aws-cn:iam::111122223333:root"
                    },
                    "Action" : "kms:*",
                    "Resource" : "*"
                  } ]
                }""", Policies.defaultKeyPolicy("aws-cn", "111122223333"));
    }

    @Test
    void defaultKeyPolicy_withBadAccount_fails() {
        assertThrows(IllegalArgumentException.class, () -> Policies.defaultKeyPolicy("aws", "1234"));
        assertThrows(IllegalArgumentException.class, () -> Policies.defaultKeyPolicy("AWS\"", "111122223333"));
    }

    @Test
    void serviceManagedKeyPolicy_isAValidKeyPolicy() {
        Policy policy = TestJson.policy(Policies.serviceManagedKeyPolicy("aws", "111122223333", "s3", "s3.us-east-1.amazonaws.com"),
                PolicyKind.KEY);

        assertEquals("auto-s3", policy.id());
        assertEquals(2, policy.statements().size());
        assertThrows(IllegalArgumentException.class,
                () -> Policies.serviceManagedKeyPolicy("aws", "111122223333", "s3\"", "s3.us-east-1.amazonaws.com"));
    }
}
