package dev.loadsplitter.engine.queue;

import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The work queue's URL, given directly or looked up once by name on first use, then kept for the
 * life of the container. A failed look-up is not cached, so the next invocation tries again.
 */
public final class QueueAddress {

    private final String description;
    private final Supplier<String> lookUp;
    private volatile String url;

    private QueueAddress(String description, String url, Supplier<String> lookUp) {
        this.description = description;
        this.url = url;
        this.lookUp = lookUp;
    }

    public static QueueAddress ofUrl(String url) {
        Objects.requireNonNull(url, "url");
        return new QueueAddress(url, url, () -> url);
    }

    public static QueueAddress ofName(SqsClient sqs, String name) {
        Objects.requireNonNull(sqs, "sqs");
        Objects.requireNonNull(name, "name");
        return new QueueAddress("queue '" + name + "'", null, () -> {
            try {
                return sqs.getQueueUrl(request -> request.queueName(name)).queueUrl();
            } catch (QueueDoesNotExistException e) {
                throw new IllegalStateException("Queue '" + name + "' (QUEUE_NAME) does not exist in this account "
                        + "and region. Create it, or set QUEUE_URL to the work queue's URL.", e);
            } catch (SdkException e) {
                throw new IllegalStateException("Could not look up the URL of queue '" + name + "' (QUEUE_NAME): "
                        + e.getMessage() + ". Set QUEUE_URL to skip the look-up.", e);
            }
        });
    }

    /** The queue URL, looked up on the first call when only a name was given. */
    public String url() {
        String known = url;
        if (known == null) {
            synchronized (this) {
                known = url;
                if (known == null) {
                    known = lookUp.get();
                    url = known;
                }
            }
        }
        return known;
    }

    /** The URL when known, otherwise the queue's name, for messages. */
    public String describe() {
        String known = url;
        return known != null ? known : description;
    }
}
