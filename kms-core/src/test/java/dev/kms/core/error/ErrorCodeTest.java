package dev.kms.core.error;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorCodeTest {
    @Test
    void jsonStatuses_are400ForClientErrors_500ForFaults_503ForTimeouts() {
        assertEquals(400, ErrorCode.NOT_FOUND.httpStatus());
        assertEquals(400, ErrorCode.ACCESS_DENIED.httpStatus());
        assertEquals(500, ErrorCode.INTERNAL.httpStatus());
        assertEquals(500, ErrorCode.KEY_UNAVAILABLE.httpStatus());
        assertEquals(503, ErrorCode.DEPENDENCY_TIMEOUT.httpStatus());
        assertEquals(403, ErrorCode.MISSING_AUTHENTICATION_TOKEN.httpStatus());
        for (ErrorCode code : ErrorCode.values()) {
            assertEquals(code.httpStatus() >= 500 && code.httpStatus() != 505, code.serverFault(), code.name());
        }
    }

    @Test
    void queryProtocol_usesIamNames_elseValidationErrorOrServiceFailure() {
        Map<ErrorCode, String> iam = Map.of(ErrorCode.NOT_FOUND, "NoSuchEntity 404",
                ErrorCode.ALREADY_EXISTS, "EntityAlreadyExists 409", ErrorCode.DELETE_CONFLICT, "DeleteConflict 409",
                ErrorCode.LIMIT_EXCEEDED, "LimitExceeded 409", ErrorCode.ACCESS_DENIED, "AccessDenied 403",
                ErrorCode.INVALID_STATE, "ValidationError 400", ErrorCode.KEY_UNAVAILABLE, "ServiceFailure 500",
                ErrorCode.UNRECOGNIZED_CLIENT, "InvalidClientTokenId 403",
                ErrorCode.INVALID_SIGNATURE, "SignatureDoesNotMatch 403", ErrorCode.THROTTLING, "Throttling 400");
        iam.forEach((code, wire) -> assertEquals(wire, code.queryCode() + " " + code.queryStatus(), code.name()));
        assertFalse(ErrorCode.INTERNAL.querySender());
        assertTrue(ErrorCode.NOT_FOUND.querySender());
    }

    @Test
    void ofQueryCode_mapsBackToTheKeyServicesErrors_only() {
        assertEquals(ErrorCode.NOT_FOUND, ErrorCode.ofQueryCode("NoSuchEntity"));
        assertEquals(ErrorCode.VALIDATION, ErrorCode.ofQueryCode("ValidationError"));
        assertEquals(ErrorCode.INTERNAL, ErrorCode.ofQueryCode("ServiceFailure"));
        assertNull(ErrorCode.ofQueryCode("SignatureDoesNotMatch"), "a SigV4 refusal stays the client's to show");
        assertNull(ErrorCode.ofQueryCode("Throttling"));
        assertNull(ErrorCode.ofQueryCode("NoSuchThing"));
    }

    @Test
    void everyError_exitsTheCliWith1() {
        assertTrue(Arrays.stream(ErrorCode.values()).allMatch(code -> code.exitCode() == 1));
    }
}
