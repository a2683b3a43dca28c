package dev.loadsplitter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loadsplitter.engine.config.Setting;
import dev.loadsplitter.function.FunctionSettings;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Terraform configuration, held to the function's code and to AWS's rules. Each test is one
 * check; each failure message names the file, block and rule that broke.
 */
class TerraformChecksIT {

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{(.*)}", Pattern.DOTALL);
    private static final Pattern VAR = Pattern.compile("(?<![\\w.])var\\.([A-Za-z_][\\w-]*)");
    private static final Pattern LOCAL = Pattern.compile("(?<![\\w.])local\\.([A-Za-z_][\\w-]*)");
    private static final Pattern DATA = Pattern.compile("(?<![\\w.])data\\.([A-Za-z_][\\w-]*)\\.([A-Za-z_][\\w-]*)");
    private static final Pattern RESOURCE = Pattern.compile("(?<![\\w.])(aws_[\\w-]+)\\.([A-Za-z_][\\w-]*)");
    private static final Path SHADED_JAR = Path.of("..", "function", "target", "load-splitter-function.jar");

    private static TerraformModel terraform;

    @BeforeAll
    static void parse() throws Exception {
        terraform = TerraformModel.load();
    }

    @Test
    void everyReferenceResolvesToADeclaredBlock() {
        Set<String> variables = terraform.variables().keySet();
        Set<String> locals = terraform.locals().keySet();
        Set<String> unresolved = new TreeSet<>();
        for (Map.Entry<String, String> string : terraform.strings()) {
            Matcher expression = EXPRESSION.matcher(string.getValue());
            if (!expression.find()) {
                continue;
            }
            String code = expression.group(1);
            String file = string.getKey();
            VAR.matcher(code)
                    .results()
                    .map(m -> m.group(1))
                    .filter(name -> !variables.contains(name))
                    .forEach(name -> unresolved.add(file + ": var." + name + " is not a declared variable"));
            LOCAL.matcher(code)
                    .results()
                    .map(m -> m.group(1))
                    .filter(name -> !locals.contains(name))
                    .forEach(name -> unresolved.add(file + ": local." + name + " is not a declared local"));
            DATA.matcher(code)
                    .results()
                    .filter(m -> !terraform.declares("data", m.group(1), m.group(2)))
                    .forEach(
                            m -> unresolved.add(file + ": data." + m.group(1) + "." + m.group(2) + " is not declared"));
            RESOURCE.matcher(code)
                    .results()
                    .filter(m -> !terraform.declares("resource", m.group(1), m.group(2)))
                    .forEach(m -> unresolved.add(
                            file + ": " + m.group(1) + "." + m.group(2) + " is not a declared resource"));
        }
        assertThat(unresolved).as("references that resolve to nothing").isEmpty();
    }

    @Test
    void iamGrantsNoWildcardsAndEachActionOnlyOnItsResource() {
        List<String> problems = new ArrayList<>();
        terraform.forEachBlock("data", (name, document) -> {
            if (!name.startsWith("aws_iam_policy_document.")) {
                return;
            }
            for (JsonNode statement : statements(document)) {
                String where = name + " statement " + statement.path("sid").asText("(no sid)");
                boolean allow = !"Deny".equals(statement.path("effect").asText("Allow"));
                if (!allow) {
                    continue; // A Deny may be broad: it only takes away.
                }
                statement.path("actions").forEach(action -> {
                    if (action.asText().contains("*")) {
                        problems.add(where + ": Allow of wildcard action " + action.asText());
                    }
                });
                statement.path("resources").forEach(resource -> {
                    if (resource.asText().equals("*")) {
                        problems.add(where + ": Allow on resource \"*\"");
                    }
                });
                statement
                        .path("principals")
                        .forEach(principal -> principal.path("identifiers").forEach(id -> {
                            if (id.asText().equals("*")) {
                                problems.add(where + ": Allow to any principal");
                            }
                        }));
            }
        });
        assertThat(problems).as("IAM statements breaking least privilege").isEmpty();
    }

    @Test
    void theFunctionRoleGrantsExactlyWhatTheFunctionAndItsMappingUse() {
        JsonNode policy = terraform.block("data", "aws_iam_policy_document", "function");
        Map<String, Set<String>> grants = new HashMap<>();
        for (JsonNode statement : statements(policy)) {
            assertThat(statement.path("effect").asText("Allow")).isEqualTo("Allow");
            for (JsonNode action : statement.path("actions")) {
                Set<String> resources = grants.computeIfAbsent(action.asText(), a -> new LinkedHashSet<>());
                statement.path("resources").forEach(resource -> resources.add(resource.asText()));
            }
        }
        assertThat(grants)
                .containsOnlyKeys(
                        "sqs:SendMessage",
                        "sqs:ReceiveMessage",
                        "sqs:DeleteMessage",
                        "sqs:GetQueueAttributes",
                        "sqs:GetQueueUrl",
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "dynamodb:GetItem",
                        "dynamodb:UpdateItem",
                        "events:PutEvents",
                        "lambda:InvokeFunction");
        assertThat(grants.get("lambda:InvokeFunction"))
                .as("dispatch = invoke: the function invokes only itself")
                .containsExactly("${statement.value}");
        assertThat(grants.get("events:PutEvents"))
                .as("completion events only on the configured bus")
                .containsExactly("${statement.value.arn}");
        for (String action : List.of("dynamodb:GetItem", "dynamodb:UpdateItem")) {
            assertThat(grants.get(action))
                    .as(action + " only on the processing-records table")
                    .containsExactly("${statement.value.arn}");
        }
        List<String> dynamics = new ArrayList<>();
        policy.path("dynamic")
                .path("statement")
                .forEach(d -> dynamics.add(d.path("for_each").asText()));
        assertThat(dynamics)
                .containsExactlyInAnyOrder(
                        "${aws_dynamodb_table.processing_records}",
                        "${data.aws_cloudwatch_event_bus.jobs}",
                        "${var.dispatch == \"invoke\" ? [local.self_invoke_arn] : []}");
        assertThat(grants.get("sqs:SendMessage"))
                .as("sends only to the work queue, the parked queue and the on-failure " + "destination")
                .containsExactlyInAnyOrder(
                        "${aws_sqs_queue.work.arn}",
                        "${aws_sqs_queue.parked.arn}",
                        "${aws_sqs_queue.failed_events.arn}");
        for (String action : List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")) {
            assertThat(grants.get(action))
                    .as(action + ": the work queue's and the DLQ's mappings")
                    .containsExactlyInAnyOrder("${aws_sqs_queue.work.arn}", "${aws_sqs_queue.dlq.arn}");
        }
        assertThat(grants.get("sqs:GetQueueUrl")).containsExactly("${aws_sqs_queue.work.arn}");
        for (String action : List.of("logs:CreateLogStream", "logs:PutLogEvents")) {
            assertThat(grants.get(action))
                    .as(action + " only on the function's own log group")
                    .containsExactly("${aws_cloudwatch_log_group.function.arn}:*");
        }
    }

    @Test
    void theVisibilityTimeoutIsAtLeastSixTimesTheFunctionTimeoutByDefault() {
        Map<String, Long> defaults = numericDefaults();
        JsonNode work = terraform.block("resource", "aws_sqs_queue", "work");
        String expression = work.path("visibility_timeout_seconds").asText();
        Matcher local = Pattern.compile("^\\$\\{local\\.(\\w+)}$").matcher(expression);
        if (local.matches()) {
            expression = terraform.locals().get(local.group(1)).asText();
        }
        long visibility = Arithmetic.evaluate(expression, defaults);
        long timeout = defaults.get("timeout_seconds");

        assertThat(visibility)
                .as("visibility timeout %s against function timeout %d s", expression, timeout)
                .isGreaterThanOrEqualTo(6 * timeout);
        assertThat(Arithmetic.evaluate(
                        terraform
                                .block("resource", "aws_lambda_function", "function")
                                .path("timeout")
                                .asText(),
                        defaults))
                .isEqualTo(timeout);
    }

    @Test
    void theMappingReportsBatchItemFailuresWithinLambdasConcurrencyRange() {
        JsonNode mapping = terraform.block("resource", "aws_lambda_event_source_mapping", "work");
        assertThat(mapping.path("function_response_types"))
                .extracting(JsonNode::asText)
                .as("the event source mapping's function_response_types")
                .contains("ReportBatchItemFailures");
        assertThat(mapping.path("event_source_arn").asText()).isEqualTo("${aws_sqs_queue.work.arn}");
        JsonNode scaling = mapping.path("dynamic").path("scaling_config").get(0);
        assertThat(scaling.path("for_each").asText())
                .contains("local.provisioned_mode")
                .contains("var.maximum_concurrency");
        assertThat(scaling.path("content").get(0).path("maximum_concurrency").asText())
                .isEqualTo("${scaling_config.value}");
        String validation = terraform
                .variables()
                .get("maximum_concurrency")
                .path("validation")
                .get(0)
                .path("condition")
                .asText();
        assertThat(validation).contains(">= 2").contains("<= 1000");
    }

    @Test
    void provisionedModeSizesTheMappingWithPollersAndNeverWithMaximumConcurrencyToo() {
        JsonNode mapping = terraform.block("resource", "aws_lambda_event_source_mapping", "work");
        JsonNode pollers =
                mapping.path("dynamic").path("provisioned_poller_config").get(0);
        assertThat(pollers.path("for_each").asText()).contains("local.provisioned_mode");
        assertThat(pollers.path("content").get(0).path("minimum_pollers").asText())
                .isEqualTo("${var.minimum_pollers}");
        assertThat(pollers.path("content").get(0).path("maximum_pollers").asText())
                .isEqualTo("${var.maximum_pollers}");
        List<String> preconditions = new ArrayList<>();
        mapping.path("lifecycle")
                .get(0)
                .path("precondition")
                .forEach(p -> preconditions.add(p.path("condition").asText()));
        assertThat(preconditions)
                .as("provisioned mode and maximum_concurrency are mutually exclusive, as AWS requires")
                .anySatisfy(condition -> assertThat(condition)
                        .contains("local.provisioned_mode")
                        .contains("var.maximum_concurrency == null"));
        assertThat(validation("minimum_pollers")).contains(">= 2").contains("<= 200");
        assertThat(validation("maximum_pollers")).contains(">= 2").contains("<= 2000");
        assertThat(terraform.variables().get("minimum_pollers").path("default").isNull())
                .isTrue();
    }

    private String validation(String variable) {
        return terraform
                .variables()
                .get(variable)
                .path("validation")
                .get(0)
                .path("condition")
                .asText();
    }

    @Test
    void theProcessingRecordsTableExpiresItemsAndIsEncrypted() {
        JsonNode table = terraform.block("resource", "aws_dynamodb_table", "processing_records");
        assertThat(table.path("hash_key").asText()).isEqualTo("taskId");
        assertThat(table.path("ttl").get(0).path("attribute_name").asText()).isEqualTo("expiresAt");
        assertThat(table.path("server_side_encryption").get(0).path("enabled").asBoolean())
                .isTrue();
        assertThat(table.path("count").asText()).contains("var.idempotency == \"dynamodb\"");
    }

    @Test
    void everyQueueIsEncryptedAndTheDeadLetterQueuesKeepMessagesFourteenDays() {
        List<String> problems = new ArrayList<>();
        terraform.forEachBlock("resource", (name, block) -> {
            if (!name.startsWith("aws_sqs_queue.")) {
                return;
            }
            boolean managed = block.path("sqs_managed_sse_enabled").asBoolean(false);
            boolean kms = block.hasNonNull("kms_master_key_id");
            if (!managed && !kms) {
                problems.add(name + " has neither sqs_managed_sse_enabled = true nor kms_master_key_id");
            }
        });
        assertThat(problems).as("unencrypted queues").isEmpty();
        assertThat(terraform
                        .block("resource", "aws_sqs_queue", "dlq")
                        .path("message_retention_seconds")
                        .asLong())
                .isEqualTo(14 * 24 * 3600);
        assertThat(terraform
                        .block("resource", "aws_sqs_queue", "work")
                        .path("redrive_policy")
                        .asText())
                .contains("aws_sqs_queue.dlq.arn")
                .contains("var.max_receive_count");
        assertThat(numericDefaults().get("max_receive_count")).isGreaterThanOrEqualTo(5);
    }

    @Test
    void everyQueueRefusesRequestsWithoutTls() {
        JsonNode document = terraform.block("data", "aws_iam_policy_document", "tls_only");
        JsonNode statement = document.path("statement").get(0);
        assertThat(statement.path("effect").asText()).isEqualTo("Deny");
        assertThat(statement.path("condition").get(0).path("variable").asText()).isEqualTo("aws:SecureTransport");
        Set<String> queues = new TreeSet<>();
        terraform.forEachBlock("resource", (name, block) -> {
            if (name.startsWith("aws_sqs_queue.")) {
                queues.add(name.substring("aws_sqs_queue.".length()));
            }
        });
        Set<String> covered = new TreeSet<>();
        terraform
                .block("resource", "aws_sqs_queue_policy", "tls_only")
                .path("for_each")
                .properties()
                .forEach(entry -> covered.add(entry.getKey()));
        assertThat(covered).as("queues with the TLS-only policy").isEqualTo(queues);
    }

    @Test
    void theHandlerNamesAStreamHandlerClassInTheShadedJar() throws Exception {
        assertThat(terraform.locals().get("handler").asText()).isEqualTo("${var.handler}");
        assertThat(terraform
                        .block("resource", "aws_lambda_function", "function")
                        .path("handler")
                        .asText())
                .isEqualTo("${local.handler}");
        String handler = terraform.variables().get("handler").path("default").asText();
        assertThat(handler).isEqualTo(FunctionSettings.HANDLER);
        assertThat(SHADED_JAR)
                .as("the shaded jar, built by the function module's package phase")
                .exists();
        try (URLClassLoader jar =
                new URLClassLoader(new URL[] {SHADED_JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> type = Class.forName(handler.substring(0, handler.indexOf("::")), false, jar);
            Class<?> streamHandler =
                    Class.forName("com.amazonaws.services.lambda.runtime.RequestStreamHandler", false, jar);
            assertThat(streamHandler.isAssignableFrom(type))
                    .as(type + " implements RequestStreamHandler")
                    .isTrue();
            assertThat(type.getMethod(
                            "handleRequest",
                            java.io.InputStream.class,
                            java.io.OutputStream.class,
                            Class.forName("com.amazonaws.services.lambda.runtime.Context", false, jar)))
                    .isNotNull();
        }
    }

    @Test
    void theEnvironmentTerraformSetsIsExactlyWhatTheFunctionReads() {
        JsonNode variables = terraform
                .block("resource", "aws_lambda_function", "function")
                .path("environment")
                .get(0)
                .path("variables");
        Set<String> set = new TreeSet<>();
        variables.fieldNames().forEachRemaining(set::add);
        Set<String> read = new TreeSet<>();
        FunctionSettings.all().stream().map(Setting::name).forEach(read::add);

        assertThat(set)
                .as("environment variables in main.tf against FunctionSettings.all()")
                .isEqualTo(read);
    }

    @Test
    void theDefaultJarPathIsTheBuildOutput() {
        String expression = terraform.locals().get("function_jar").asText();
        Matcher path =
                Pattern.compile("\\$\\{path\\.module}(/[^\"\\\\]+\\.jar)").matcher(expression);
        assertThat(path.find())
                .as("a default jar path under ${path.module} in " + expression)
                .isTrue();
        Path resolved = TerraformModel.TERRAFORM.resolve("." + path.group(1)).normalize();

        assertThat(resolved).isEqualTo(SHADED_JAR.normalize());
        assertThat(resolved).exists();
    }

    @Test
    void recursionStaysTerminatedAndTheRuntimeIsJava21() {
        assertThat(terraform
                        .block("resource", "aws_lambda_function_recursion_config", "function")
                        .path("recursive_loop")
                        .asText())
                .isEqualTo("Terminate");
        JsonNode function = terraform.block("resource", "aws_lambda_function", "function");
        assertThat(function.path("runtime").asText()).isEqualTo("java21");
        assertThat(terraform.variables().get("architecture").path("default").asText())
                .isEqualTo("arm64");
    }

    @Test
    void failedAsynchronousEventsGoToADestinationAfterBoundedRetries() {
        JsonNode config = terraform.block("resource", "aws_lambda_function_event_invoke_config", "function");
        assertThat(config.path("maximum_retry_attempts").asText()).isEqualTo("${var.async_max_retry_attempts}");
        assertThat(config.path("destination_config")
                        .get(0)
                        .path("on_failure")
                        .get(0)
                        .path("destination")
                        .asText())
                .isEqualTo("${aws_sqs_queue.failed_events.arn}");
    }

    @Test
    void theSampleEventsOfTheTestTabExist() {
        terraform
                .locals()
                .get("test_events")
                .properties()
                .forEach(entry -> assertThat(Path.of(
                                "..", "examples", "events", entry.getValue().asText()))
                        .exists());
    }

    @Test
    void theDeployGuideDocumentsEveryVariable() throws Exception {
        String section = TerraformModel.deployGuide();
        List<String> missing = new ArrayList<>();
        terraform.variables().forEach((name, variable) -> {
            String row = "| `" + name + "` |";
            if (!section.contains(row)) {
                missing.add(name);
            }
        });
        assertThat(missing)
                .as("variables missing from the table in docs/deploy.md")
                .isEmpty();
    }

    /** A policy document's statements, the ones inside {@code dynamic "statement"} blocks included. */
    private static List<JsonNode> statements(JsonNode document) {
        List<JsonNode> statements = new ArrayList<>();
        document.path("statement").forEach(statements::add);
        document.path("dynamic")
                .path("statement")
                .forEach(dynamic -> dynamic.path("content").forEach(statements::add));
        return statements;
    }

    private static Map<String, Long> numericDefaults() {
        Map<String, Long> defaults = new HashMap<>();
        terraform.variables().forEach((name, variable) -> {
            JsonNode value = variable.path("default");
            if (value.isNumber()) {
                defaults.put(name, value.asLong());
            }
        });
        return defaults;
    }
}
