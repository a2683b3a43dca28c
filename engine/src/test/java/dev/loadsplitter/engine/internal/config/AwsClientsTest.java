package dev.loadsplitter.engine.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

class AwsClientsTest {

    private static final Map<String, String> KEYS =
            Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b", "AWS_REGION", "eu-west-1");

    private static Map<String, String> with(Map<String, String> more) {
        var all = new java.util.HashMap<>(KEYS);
        all.putAll(more);
        return all;
    }

    @Test
    void theServiceSpecificEndpointVariableWinsOverTheGeneralOne() {
        try (SqsClient client = AwsClients.sqs(with(Map.of(
                "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324", "AWS_ENDPOINT_URL", "http://127.0.0.1:4566")))) {
            assertThat(client.serviceClientConfiguration().endpointOverride())
                    .contains(URI.create("http://127.0.0.1:9324"));
            assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
        }
    }

    @Test
    void theGeneralEndpointVariableIsUsedWhenAlone() {
        try (SqsClient client = AwsClients.sqs(with(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")))) {
            assertThat(client.serviceClientConfiguration().endpointOverride())
                    .contains(URI.create("http://127.0.0.1:4566"));
        }
    }

    @Test
    void eachServiceHasItsOwnEndpointVariable() {
        try (var dynamo = AwsClients.dynamoDb(with(Map.of(
                "AWS_ENDPOINT_URL_DYNAMODB",
                "http://127.0.0.1:8000",
                "AWS_ENDPOINT_URL_SQS",
                "http://127.0.0.1:9324")))) {
            assertThat(dynamo.serviceClientConfiguration().endpointOverride())
                    .contains(URI.create("http://127.0.0.1:8000"));
        }
    }

    @Test
    void withoutAnEndpointVariableTheRegionalEndpointIsUsed() {
        try (SqsClient client = AwsClients.sqs(KEYS)) {
            assertThat(client.serviceClientConfiguration().endpointOverride()).isEmpty();
        }
    }
}
