package dev.loadsplitter.testing.simulation;

import dev.loadsplitter.engine.message.SubTaskAttribute;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * An SQS standard queue as its documentation describes it, in memory: a received message is
 * invisible until its visibility timeout ends or it is deleted; every receive raises its receive
 * count, and a message received {@code maxReceiveCount} times moves to the dead-letter queue on
 * the next receive; messages older than the retention period are gone. Deleting with a receipt
 * handle of an earlier receive may or may not delete (as SQS says it may), decided by the seed.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
 */
public final class SimQueue {

    /** One message, as the function sees it. */
    public record Message(String id, String body, Map<String, String> attributes, long sentAt) {
        public Message {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(body, "body");
            attributes = Map.copyOf(attributes);
            if (attributes.size() > SubTaskAttribute.SQS_MAX_ATTRIBUTES) {
                // As SQS refuses it: InvalidParameterValue, the message not sent.
                throw new IllegalArgumentException(
                        "Number of message attributes [" + attributes.size() + "] exceeds the allowed maximum ["
                                + SubTaskAttribute.SQS_MAX_ATTRIBUTES + "] (simulated SQS)");
            }
        }
    }

    /** A message received: with its receive count and the handle that deletes it. */
    record Received(Message message, int receiveCount, String receipt) {}

    private static final class Entry {
        final Message message;
        int receiveCount;
        long visibleAt;
        String receipt = "";

        Entry(Message message, long visibleAt) {
            this.message = message;
            this.visibleAt = visibleAt;
        }
    }

    private final String name;
    private final SimQueue deadLetters;
    private final int maxReceiveCount;
    private final long retentionMillis;
    private final RandomGenerator random;
    private final List<Entry> entries = new ArrayList<>();
    private long receipts;
    private long sent;
    private final List<String> trace = new ArrayList<>();

    /** What happened to each message, for a failing schedule's report. */
    synchronized List<String> trace() {
        return List.copyOf(trace);
    }

    SimQueue(String name, SimQueue deadLetters, int maxReceiveCount, long retentionMillis, RandomGenerator random) {
        this.name = name;
        this.deadLetters = deadLetters;
        this.maxReceiveCount = maxReceiveCount;
        this.retentionMillis = retentionMillis;
        this.random = random;
    }

    String name() {
        return name;
    }

    synchronized void send(Message message, long now) {
        entries.add(new Entry(message, now));
        sent++;
        trace.add(now + " " + name + " sent " + message.id() + " "
                + message.attributes().get("partId"));
    }

    /** A message moved here from its source queue, keeping its identity and first-sent time, as SQS does. */
    private synchronized void moveIn(Entry entry, long now) {
        Entry moved = new Entry(entry.message, now);
        entries.add(moved);
        trace.add(now + " " + name + " moved in " + entry.message.id());
    }

    /** Receives up to {@code max} visible messages, each invisible for {@code visibilityMillis}. */
    synchronized List<Received> receive(int max, long now, long visibilityMillis) {
        dropExpired(now);
        List<Received> received = new ArrayList<>();
        Iterator<Entry> each = entries.iterator();
        while (each.hasNext() && received.size() < max) {
            Entry entry = each.next();
            if (entry.visibleAt > now) {
                continue;
            }
            if (deadLetters != null && entry.receiveCount >= maxReceiveCount) {
                each.remove();
                deadLetters.moveIn(entry, now);
                continue;
            }
            entry.receiveCount++;
            entry.visibleAt = now + visibilityMillis;
            entry.receipt = name + "-r" + (++receipts);
            trace.add(now + " " + name + " received " + entry.message.id() + " #" + entry.receiveCount + " "
                    + entry.receipt);
            received.add(new Received(entry.message, entry.receiveCount, entry.receipt));
        }
        return received;
    }

    /** Deletes a received message; an earlier receive's handle deletes it or not, as the seed says. */
    synchronized void delete(Received received) {
        Iterator<Entry> each = entries.iterator();
        while (each.hasNext()) {
            Entry entry = each.next();
            if (entry.message.id().equals(received.message().id())) {
                if (entry.receipt.equals(received.receipt()) || random.nextBoolean()) {
                    each.remove();
                    trace.add(name + " deleted " + entry.message.id() + " with " + received.receipt());
                }
                return;
            }
        }
    }

    /** Makes a received message visible again at once, as a receive that went nowhere would after its timeout. */
    synchronized void release(Received received, long now) {
        for (Entry entry : entries) {
            if (entry.receipt.equals(received.receipt())) {
                entry.visibleAt = now;
            }
        }
    }

    /** Whether any message is left, visible or not. */
    synchronized boolean isEmpty(long now) {
        dropExpired(now);
        return entries.isEmpty();
    }

    /** Whether a message is visible now. */
    synchronized boolean hasVisible(long now) {
        dropExpired(now);
        return entries.stream().anyMatch(entry -> entry.visibleAt <= now);
    }

    /** The earliest moment a message becomes visible again; {@code Long.MAX_VALUE} when none waits. */
    synchronized long nextVisible(long now) {
        return entries.stream()
                .mapToLong(entry -> entry.visibleAt)
                .filter(at -> at > now)
                .min()
                .orElse(Long.MAX_VALUE);
    }

    /** Every message left, for redrives and reports. */
    synchronized List<Message> drain() {
        List<Message> all = entries.stream().map(entry -> entry.message).toList();
        entries.clear();
        return all;
    }

    synchronized long sent() {
        return sent;
    }

    private void dropExpired(long now) {
        entries.removeIf(entry -> now - entry.message.sentAt() > retentionMillis);
    }
}
