package dev.loadsplitter.cli;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * An SQS client for a queue URL: a real AWS queue ({@code https://sqs.<region>.amazonaws.com/…})
 * gets the standard credential chain and the URL's region; any other host (load-splitter serve,
 * ElasticMQ) is used as the endpoint, with dummy credentials.
 */
final class QueueClients {

    private static final Pattern AWS_HOST = Pattern.compile("^sqs\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?$");

    private QueueClients() {
    }

    static SqsClient forQueue(String queueUrl) {
        URI uri = URI.create(queueUrl);
        if (uri.getHost() == null) {
            throw new UsageException("'" + queueUrl + "' is not a queue URL; expected e.g. "
                    + "https://sqs.us-east-1.amazonaws.com/123456789012/load-splitter-dlq");
        }
        SqsClientBuilder builder = SqsClient.builder().httpClient(Apache5HttpClient.create());
        Matcher aws = AWS_HOST.matcher(uri.getHost());
        if (aws.matches()) {
            return builder.region(Region.of(aws.group(1))).build();
        }
        return builder.endpointOverride(URI.create(uri.getScheme() + "://" + uri.getAuthority()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .build();
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
