package dev.loadsplitter.local.aws;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** Real SDK clients of a local endpoint, as a function builds them (CRT), with or without the SDK's retries. */
final class EndpointClients {

    private EndpointClients() {}

    /** With the SDK's standard retry strategy, as the function's clients have. */
    static DynamoDbClient dynamoDb(LocalAwsEndpoint endpoint) {
        return builder(endpoint.url()).build();
    }

    /** Without retries, so a test sees each answer as the endpoint gave it. */
    static DynamoDbClient dynamoDbWithoutRetries(LocalAwsEndpoint endpoint) {
        return builder(endpoint.url())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    static EventBridgeClient eventBridgeWithoutRetries(LocalAwsEndpoint endpoint) {
        return EventBridgeClient.builder()
                .httpClient(AwsCrtHttpClient.builder().build())
                .endpointOverride(endpoint.url())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder builder(URI url) {
        return DynamoDbClient.builder()
                .httpClient(AwsCrtHttpClient.builder().build())
                .endpointOverride(url)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
    }

    /** Creates a table with a string partition key {@code pk} and, when {@code sortType} is given, a sort key {@code sk}. */
    static void createTable(DynamoDbClient dynamo, String name, String sortType) {
        if (sortType == null) {
            dynamo.createTable(r -> r.tableName(name)
                    .billingMode("PAY_PER_REQUEST")
                    .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S")));
            return;
        }
        dynamo.createTable(r -> r.tableName(name)
                .billingMode("PAY_PER_REQUEST")
                .keySchema(
                        k -> k.attributeName("pk").keyType("HASH"),
                        k -> k.attributeName("sk").keyType("RANGE"))
                .attributeDefinitions(
                        a -> a.attributeName("pk").attributeType("S"),
                        a -> a.attributeName("sk").attributeType(sortType)));
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", s(pk));
    }
}
