package dev.kms.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.core.identity.RequestContext;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Operations that hold every call until {@link #release()}: to keep a request in flight, or a slot busy. */
final class HeldCalls implements KmsOperations {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    public ObjectNode call(RequestContext ctx, String operation, JsonNode request) {
        entered.countDown();
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return JsonNodeFactory.instance.objectNode().put("Done", true);
    }

    /** True once a call has arrived (within 10 s). */
    boolean entered() throws InterruptedException {
        return entered.await(10, TimeUnit.SECONDS);
    }

    void release() {
        release.countDown();
    }
}
