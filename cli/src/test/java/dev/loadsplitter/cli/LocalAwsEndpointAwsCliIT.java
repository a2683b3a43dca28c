package dev.loadsplitter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loadsplitter.local.aws.EventFilter;
import dev.loadsplitter.local.aws.LocalAwsEndpoint;
import dev.loadsplitter.local.aws.LocalEventsClient;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second client besides the Java SDK: Debian's AWS CLI (botocore, another HTTP stack) against the
 * local DynamoDB and EventBridge endpoint: tables with sort keys, conditional writes, transactions
 * and queries, and events read back with {@link LocalEventsClient}.
 */
class LocalAwsEndpointAwsCliIT {

    @TempDir
    Path dir;

    @Test
    void theAwsCliCreatesWritesTransactsQueriesAndPutsEvents() throws Exception {
        AwsCli aws = AwsCli.debian();
        try (LocalAwsEndpoint endpoint = LocalAwsEndpoint.start("127.0.0.1", 0, Clock.systemUTC())) {
            String url = endpoint.url().toString();
            assertThat(aws.run(
                                    dir,
                                    "dynamodb",
                                    "create-table",
                                    "--endpoint-url",
                                    url,
                                    "--table-name",
                                    "records",
                                    "--billing-mode",
                                    "PAY_PER_REQUEST",
                                    "--key-schema",
                                    "AttributeName=pk,KeyType=HASH",
                                    "AttributeName=sk,KeyType=RANGE",
                                    "--attribute-definitions",
                                    "AttributeName=pk,AttributeType=S",
                                    "AttributeName=sk,AttributeType=N")
                            .exitCode())
                    .isZero();
            for (String sk : new String[] {"10", "9", "100"}) {
                assertThat(aws.run(
                                        dir,
                                        "dynamodb",
                                        "put-item",
                                        "--endpoint-url",
                                        url,
                                        "--table-name",
                                        "records",
                                        "--item",
                                        "{\"pk\":{\"S\":\"job-1\"},\"sk\":{\"N\":\"" + sk + "\"}}",
                                        "--condition-expression",
                                        "attribute_not_exists(pk)")
                                .exitCode())
                        .isZero();
            }
            AwsCli.Result conflict = aws.run(
                    dir,
                    "dynamodb",
                    "put-item",
                    "--endpoint-url",
                    url,
                    "--table-name",
                    "records",
                    "--item",
                    "{\"pk\":{\"S\":\"job-1\"},\"sk\":{\"N\":\"9\"}}",
                    "--condition-expression",
                    "attribute_not_exists(pk)");
            assertThat(conflict.exitCode()).isNotZero();
            assertThat(conflict.err()).contains("ConditionalCheckFailedException");
            assertThat(aws.run(
                                    dir,
                                    "dynamodb",
                                    "transact-write-items",
                                    "--endpoint-url",
                                    url,
                                    "--transact-items",
                                    "[{\"Update\":{\"TableName\":\"records\",\"Key\":{\"pk\":{\"S\":\"job-1\"},"
                                            + "\"sk\":{\"N\":\"0\"}},\"UpdateExpression\":\"ADD #n :one\","
                                            + "\"ExpressionAttributeNames\":{\"#n\":\"n\"},"
                                            + "\"ExpressionAttributeValues\":{\":one\":{\"N\":\"1\"}}}}]")
                            .exitCode())
                    .isZero();
            AwsCli.Result query = aws.run(
                    dir,
                    "dynamodb",
                    "query",
                    "--endpoint-url",
                    url,
                    "--table-name",
                    "records",
                    "--key-condition-expression",
                    "pk = :pk",
                    "--expression-attribute-values",
                    "{\":pk\":{\"S\":\"job-1\"}}",
                    "--query",
                    "Items[].sk.N",
                    "--output",
                    "text");
            assertThat(query.out().trim().split("\\s+")).containsExactly("0", "9", "10", "100");

            AwsCli.Result put = aws.run(
                    dir,
                    "events",
                    "put-events",
                    "--endpoint-url",
                    url,
                    "--entries",
                    "[{\"Source\":\"load-splitter\",\"DetailType\":\"Job Completed\",\"Detail\":\"{\\\"jobId\\\":"
                            + "\\\"job-1\\\"}\"}]");
            assertThat(put.exitCode()).as(put.err()).isZero();
            assertThat(put.out()).contains("\"FailedEntryCount\": 0");
            assertThat(LocalEventsClient.create(endpoint.url())
                            .events(EventFilter.any().detail("jobId", "job-1")))
                    .hasSize(1);
        }
    }
}
