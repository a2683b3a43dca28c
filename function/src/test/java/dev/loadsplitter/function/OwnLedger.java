package dev.loadsplitter.function;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A handler environment whose in-memory job ledger is its own. That ledger is shared by every
 * handler of one class loader and work queue (one container on AWS, one run locally), so tests
 * that replay the same example event would otherwise meet each other's jobs as duplicates.
 */
final class OwnLedger {

    private OwnLedger() {}

    static Map<String, String> environment(Map<String, String> settings) {
        Map<String, String> environment = new HashMap<>(settings);
        environment.put("QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/test-" + UUID.randomUUID());
        return Map.copyOf(environment);
    }
}
