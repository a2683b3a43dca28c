package dev.loadsplitter.local.fault;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * What makes an invocation the same one in two runs of one seed, whatever the threads did: the
 * faults decided for it and for its calls are drawn from this identity and the seed alone. Its
 * {@link #digest()} is computed only when faults are drawn.
 */
public sealed interface InvocationIdentity {

    /** 64 bits that stand for the invocation in every draw. */
    long digest();

    /** A few words for log lines and error messages. */
    String describe();

    /**
     * An SQS batch: its records, each by its body and message attributes (which ElasticMQ does not
     * make random, unlike message ids) and its receive count, in any order.
     */
    static InvocationIdentity batch(List<Message> records) {
        return new SqsBatch(records);
    }

    /** A direct or asynchronous invocation: the SHA-256 of its payload, and which attempt it is (1 for the first). */
    static InvocationIdentity event(byte[] payload, int attempt) {
        return new Event(payload, attempt);
    }

    /** @param records the batch's messages, as received */
    record SqsBatch(List<Message> records) implements InvocationIdentity {
        public SqsBatch {
            records = List.copyOf(records);
        }

        @Override
        public long digest() {
            List<String> each = new ArrayList<>();
            for (Message record : records) {
                MessageDigest sha = sha256();
                sha.update(String.valueOf(record.body()).getBytes(StandardCharsets.UTF_8));
                for (Map.Entry<String, MessageAttributeValue> attribute :
                        new TreeMap<>(record.messageAttributes()).entrySet()) {
                    MessageAttributeValue value = attribute.getValue();
                    String text = value.stringValue() != null
                            ? value.stringValue()
                            : value.binaryValue() != null
                                    ? Base64.getEncoder()
                                            .encodeToString(value.binaryValue().asByteArray())
                                    : "";
                    sha.update(("\n" + attribute.getKey() + "=" + text).getBytes(StandardCharsets.UTF_8));
                }
                String receiveCount =
                        record.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1");
                each.add(java.util.HexFormat.of().formatHex(sha.digest()) + "#" + receiveCount);
            }
            each.sort(null);
            return first64Bits("sqs\n" + String.join("\n", each));
        }

        @Override
        public String describe() {
            return "an SQS batch of " + records.size() + " record" + (records.size() == 1 ? "" : "s");
        }
    }

    /**
     * @param payload the event
     * @param attempt 1 for the first attempt, 2 and 3 for Lambda's retries of an asynchronous event
     */
    record Event(byte[] payload, int attempt) implements InvocationIdentity {
        public Event {
            Objects.requireNonNull(payload, "payload");
            if (attempt < 1) {
                throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
            }
        }

        @Override
        public long digest() {
            MessageDigest sha = sha256();
            sha.update(payload);
            return first64Bits("event\n" + java.util.HexFormat.of().formatHex(sha.digest()) + "#" + attempt);
        }

        @Override
        public String describe() {
            return "an event of " + payload.length + " bytes, attempt " + attempt;
        }
    }

    private static long first64Bits(String text) {
        return ByteBuffer.wrap(sha256().digest(text.getBytes(StandardCharsets.UTF_8)))
                .getLong();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
