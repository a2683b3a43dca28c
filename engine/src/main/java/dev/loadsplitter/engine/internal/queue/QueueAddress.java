package dev.loadsplitter.engine.internal.queue;

import dev.loadsplitter.engine.internal.config.Once;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The work queue's URL, given directly or looked up once by name on first use, then kept for the
 * life of the container. A failed look-up is not cached, so the next invocation tries again.
 */
public final class QueueAddress {

    private final String description;
    private final Once<String> url;

    private QueueAddress(String description, Once<String> url) {
        this.description = description;
        this.url = url;
    }

    public static QueueAddress ofUrl(String url) {
        return new QueueAddress(url, Once.of(url));
    }

    public static QueueAddress ofName(SqsClient sqs, String name) {
        Objects.requireNonNull(sqs, "sqs");
        Objects.requireNonNull(name, "name");
        return new QueueAddress("queue '" + name + "'", new Once<>(() -> {
            try {
                return sqs.getQueueUrl(request -> request.queueName(name)).queueUrl();
            } catch (QueueDoesNotExistException e) {
                throw new IllegalStateException(
                        "Queue '" + name + "' (QUEUE_NAME) does not exist in this account "
                                + "and region. Create it, or set QUEUE_URL to the work queue's URL.",
                        e);
            } catch (SdkException e) {
                throw new IllegalStateException(
                        "Could not look up the URL of queue '" + name + "' (QUEUE_NAME): " + e.getMessage()
                                + ". Set QUEUE_URL to skip the look-up.",
                        e);
            }
        }));
    }

    /** The queue URL, looked up on the first call when only a name was given. */
    public String url() {
        return url.get();
    }

    /** The URL when known, otherwise the queue's name, for messages. */
    public String describe() {
        return url.isDone() ? url.get() : description;
    }
}
