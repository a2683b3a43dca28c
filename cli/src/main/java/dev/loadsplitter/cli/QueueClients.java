package dev.loadsplitter.cli;

import dev.loadsplitter.engine.internal.config.AwsClients;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Clients for a queue URL, built by the function's own {@link AwsClients}: a real AWS queue
 * ({@code https://sqs.<region>.amazonaws.com/…}) gets the standard credential chain and the URL's
 * region; any other host (load-splitter serve, ElasticMQ) is the endpoint, with dummy credentials.
 */
final class QueueClients {

    private static final Pattern AWS_HOST = Pattern.compile("^sqs\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?$");

    private QueueClients() {
    }

    static SqsClient forQueue(String queueUrl) {
        return AwsClients.sqs(environmentFor(queueUrl));
    }

    /** A DynamoDB client in the queue's region, or at {@code endpoint} (a local server) when given. */
    static DynamoDbClient dynamoDbBeside(String queueUrl, String endpoint) {
        Map<String, String> environment = new HashMap<>(environmentFor(queueUrl));
        environment.remove("AWS_ENDPOINT_URL_SQS");
        if (endpoint != null) {
            environment.put("AWS_ENDPOINT_URL_DYNAMODB", endpoint);
            environment.put("AWS_ACCESS_KEY_ID", "local");
            environment.put("AWS_SECRET_ACCESS_KEY", "local");
        }
        return AwsClients.dynamoDb(environment);
    }

    /** The environment {@link AwsClients} reads, for a queue URL. */
    private static Map<String, String> environmentFor(String queueUrl) {
        URI uri = URI.create(queueUrl);
        if (uri.getHost() == null) {
            throw new UsageException("'" + queueUrl + "' is not a queue URL; expected e.g. "
                    + "https://sqs.us-east-1.amazonaws.com/123456789012/load-splitter-dlq");
        }
        Matcher aws = AWS_HOST.matcher(uri.getHost());
        if (aws.matches()) {
            return Map.of("AWS_REGION", aws.group(1));
        }
        return Map.of("AWS_ENDPOINT_URL_SQS", uri.getScheme() + "://" + uri.getAuthority(), "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "local", "AWS_SECRET_ACCESS_KEY", "local");
    }

    /** The work queue of a dead-letter queue named {@code <prefix>-dlq}: {@code <prefix>-queue}. */
    static String workQueueOf(String dlqUrl) {
        if (!dlqUrl.endsWith("-dlq")) {
            throw new UsageException("Cannot tell the work queue of " + dlqUrl + ": its name does not end in -dlq. "
                    + "Give --to-queue-url.");
        }
        return dlqUrl.substring(0, dlqUrl.length() - "-dlq".length()) + "-queue";
    }
}
