package dev.loadsplitter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loadsplitter.engine.config.DurationSetting;
import dev.loadsplitter.engine.config.LedgerTolerance;
import dev.loadsplitter.engine.config.Setting;
import dev.loadsplitter.engine.internal.config.EngineSettings;
import dev.loadsplitter.engine.internal.ledger.DynamoDbLedgerTable;
import dev.loadsplitter.engine.internal.ledger.MemoryLedgerTable;
import dev.loadsplitter.engine.internal.split.SplitPolicy;
import dev.loadsplitter.function.FunctionSettings;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
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
    private static final Path LEDGER_TABLE_SOURCE = Path.of(
            "..",
            "engine",
            "src",
            "main",
            "java",
            "dev",
            "loadsplitter",
            "engine",
            "internal",
            "ledger",
            "DynamoDbLedgerTable.java");

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
        assertThat(terraform.strings())
                .as("strings in %s", TerraformModel.TERRAFORM)
                .isNotEmpty();
        assertThat(unresolved).as("references that resolve to nothing").isEmpty();
    }

    @Test
    void iamGrantsNoWildcardsAndEachActionOnlyOnItsResource() {
        List<String> problems = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        terraform.forEachBlock("data", (name, document) -> {
            if (!name.startsWith("aws_iam_policy_document.")) {
                return;
            }
            for (JsonNode statement : statements(document)) {
                checked.add(name + " " + statement.path("sid").asText("(no sid)"));
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
        assertThat(checked).as("IAM policy statements checked").isNotEmpty();
        assertThat(problems).as("IAM statements breaking least privilege").isEmpty();
    }

    @Test
    void theFunctionRoleGrantsExactlyWhatTheFunctionAndItsMappingUse() {
        JsonNode policy = terraform.block("data", "aws_iam_policy_document", "function");
        Map<String, Set<String>> grants = new HashMap<>();
        List<String> effects = new ArrayList<>();
        for (JsonNode statement : statements(policy)) {
            effects.add(statement.path("effect").asText("Allow"));
            for (JsonNode action : statement.path("actions")) {
                Set<String> resources = grants.computeIfAbsent(action.asText(), a -> new LinkedHashSet<>());
                statement.path("resources").forEach(resource -> resources.add(resource.asText()));
            }
        }
        assertThat(effects).as("the function role's statements").isNotEmpty().containsOnly("Allow");
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
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:DeleteItem",
                        "dynamodb:Query",
                        "dynamodb:ConditionCheckItem",
                        "events:PutEvents",
                        "lambda:InvokeFunction");
        assertThat(grants.get("lambda:InvokeFunction"))
                .as("dispatch = invoke: the function invokes only itself")
                .containsExactly("${statement.value}");
        assertThat(grants.get("events:PutEvents"))
                .as("completion events only on the configured bus")
                .containsExactly("${statement.value.arn}");
        for (String action : LEDGER_ACTIONS) {
            assertThat(grants.get(action))
                    .as(action + " only on the ledger's table")
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
                    .as(action + ": the work queue's, the DLQ's and the failed-events queue's mappings")
                    .containsExactlyInAnyOrder(
                            "${aws_sqs_queue.work.arn}",
                            "${aws_sqs_queue.dlq.arn}",
                            "${aws_sqs_queue.failed_events.arn}");
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
        JsonNode work = terraform.block("resource", "aws_sqs_queue", "work");
        String expression = work.path("visibility_timeout_seconds").asText();
        long visibility = wholeNumber(expression, defaults());
        long timeout = defaultNumber("timeout_seconds");

        assertThat(visibility)
                .as("visibility timeout %s against function timeout %d s", expression, timeout)
                .isGreaterThanOrEqualTo(6 * timeout);
        assertThat(wholeNumber(
                        terraform
                                .block("resource", "aws_lambda_function", "function")
                                .path("timeout")
                                .asText(),
                        defaults()))
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

    @Test
    void everyValidationHoldsAtItsDefaultAndTheOnesThatTakeNullHoldAtNull() {
        Map<String, String> problems = new TreeMap<>();
        List<String> checked = new ArrayList<>();
        List<String> takeNull = new ArrayList<>();
        terraform
                .variables()
                .forEach((name, variable) -> variable.path("validation").forEach(validation -> {
                    String condition = validation.path("condition").asText();
                    checked.add(name);
                    expectTrue(problems, "var." + name + " at its default", condition, defaults());
                    if (condition.contains("== null") || condition.contains("!= null")) {
                        takeNull.add(name);
                        expectTrue(problems, "var." + name + " = null", condition, defaultsWith(name, null));
                    }
                }));

        assertThat(checked).as("variables with a validation").isNotEmpty();
        assertThat(takeNull)
                .as("validations that let null through")
                .contains("maximum_concurrency", "minimum_pollers", "maximum_pollers");
        // Terraform 1.11 evaluates both sides of ||: "x == null || x >= 2" fails on a null x.
        assertThat(problems)
                .as("validations refusing their own default or null")
                .isEmpty();
    }

    @Test
    void theMappingsPreconditionsHoldInStandardModeAndInProvisionedMode() {
        List<String> conditions = preconditions(terraform.block("resource", "aws_lambda_event_source_mapping", "work"));
        Map<String, Map<String, Object>> setups = new TreeMap<>();
        setups.put("the defaults (standard mode)", defaults());
        setups.put("standard mode, 200 reserved", defaultsWith("reserved_concurrency", new BigDecimal(200)));
        setups.put(
                "provisioned mode, 200 reserved",
                defaultsWith(
                        "maximum_concurrency",
                        null,
                        "minimum_pollers",
                        new BigDecimal(10),
                        "maximum_pollers",
                        new BigDecimal(100),
                        "reserved_concurrency",
                        new BigDecimal(200)));
        Map<String, String> problems = new TreeMap<>();
        setups.forEach((setup, variables) ->
                conditions.forEach(condition -> expectTrue(problems, setup + ": " + condition, condition, variables)));

        assertThat(conditions).as("preconditions of the work queue's mapping").isNotEmpty();
        assertThat(problems).as("preconditions refusing a valid setup").isEmpty();
        Map<String, Object> both =
                defaultsWith("minimum_pollers", new BigDecimal(10), "maximum_pollers", new BigDecimal(100));
        assertThat(conditions)
                .as("pollers with maximum_concurrency too are refused")
                .anySatisfy(condition -> assertThat(Expression.condition(condition, both, localExpressions()))
                        .isFalse());
    }

    /** Records in {@code problems} why {@code condition} is not true for {@code variables}. */
    private static void expectTrue(
            Map<String, String> problems, String where, String condition, Map<String, Object> variables) {
        try {
            if (!Expression.condition(condition, variables, localExpressions())) {
                problems.put(where, "false: " + condition);
            }
        } catch (Expression.TerraformError e) {
            problems.put(where, "Terraform fails: " + e.getMessage() + " in " + condition);
        }
    }

    private static List<String> preconditions(JsonNode block) {
        List<String> conditions = new ArrayList<>();
        block.path("lifecycle")
                .forEach(lifecycle -> lifecycle
                        .path("precondition")
                        .forEach(p -> conditions.add(p.path("condition").asText())));
        return conditions;
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
    void theLedgerTableIsKeyedByPkAndSkExpiresItemsOnExpiresAtAndIsOnDemand() {
        JsonNode table = terraform.block("resource", "aws_dynamodb_table", "processing_records");
        Map<String, String> attributes = new TreeMap<>();
        table.path("attribute")
                .forEach(attribute -> attributes.put(
                        attribute.path("name").asText(), attribute.path("type").asText()));

        assertThat(table.path("hash_key").asText()).isEqualTo(DynamoDbLedgerTable.PK);
        assertThat(table.path("range_key").asText()).isEqualTo(DynamoDbLedgerTable.SK);
        assertThat(attributes)
                .as("the key attributes, both strings; no other attribute is declared without an index")
                .containsExactlyEntriesOf(
                        new TreeMap<>(Map.of(DynamoDbLedgerTable.PK, "S", DynamoDbLedgerTable.SK, "S")));
        assertThat(table.path("ttl").get(0).path("attribute_name").asText()).isEqualTo(MemoryLedgerTable.EXPIRES_AT);
        assertThat(table.path("ttl").get(0).path("enabled").asBoolean()).isTrue();
        assertThat(table.path("billing_mode").asText()).isEqualTo("PAY_PER_REQUEST");
        assertThat(table.path("server_side_encryption").get(0).path("enabled").asBoolean())
                .isTrue();
        assertThat(table.path("count").asText()).contains("var.idempotency == \"dynamodb\"");
    }

    /** What the function may do on the ledger's table: each call the ledger makes, as IAM authorises it. */
    private static final List<String> LEDGER_ACTIONS = List.of(
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:Query",
            "dynamodb:ConditionCheckItem");

    @Test
    void theRoleGrantsTheLedgerEveryDynamoDbActionItsCodeCallsAndNoOther() throws Exception {
        String source = Files.readString(LEDGER_TABLE_SOURCE);
        Set<String> called = new TreeSet<>();
        Pattern.compile("dynamo\\.(\\w+)\\(")
                .matcher(source)
                .results()
                .map(m -> m.group(1))
                .forEach(call -> {
                    if (!call.equals("transactWriteItems")) {
                        called.add("dynamodb:" + Character.toUpperCase(call.charAt(0)) + call.substring(1));
                    }
                });
        // TransactWriteItems has no IAM action of its own: each item is authorised as its own operation, and a
        // ConditionCheck item as dynamodb:ConditionCheckItem.
        // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
        Map<String, String> transactionItems = Map.of(
                "put", "dynamodb:PutItem",
                "update", "dynamodb:UpdateItem",
                "delete", "dynamodb:DeleteItem",
                "conditionCheck", "dynamodb:ConditionCheckItem");
        Set<String> kinds = new TreeSet<>();
        Pattern.compile("TransactWriteItem\\.builder\\(\\)\\s*\\.(\\w+)\\(")
                .matcher(source)
                .results()
                .forEach(m -> kinds.add(m.group(1)));
        assertThat(kinds)
                .as("kinds of TransactWriteItem in %s", LEDGER_TABLE_SOURCE)
                .isNotEmpty();
        assertThat(transactionItems)
                .as("the IAM action of each kind the ledger writes")
                .containsKeys(kinds.toArray(String[]::new));
        kinds.forEach(kind -> called.add(transactionItems.get(kind)));

        JsonNode ledger = statements(terraform.block("data", "aws_iam_policy_document", "function")).stream()
                .filter(statement -> statement.path("sid").asText().equals("JobLedger"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no JobLedger statement in iam.tf"));
        List<String> granted = new ArrayList<>();
        ledger.path("actions").forEach(action -> granted.add(action.asText()));

        assertThat(called).as("DynamoDB calls in %s", LEDGER_TABLE_SOURCE).contains("dynamodb:Query");
        assertThat(granted).as("the JobLedger statement's actions").containsExactlyInAnyOrderElementsOf(called);
        assertThat(granted).containsExactlyInAnyOrderElementsOf(LEDGER_ACTIONS);
        assertThat(ledger.path("resources")).extracting(JsonNode::asText).containsExactly("${statement.value.arn}");
        assertThat(Files.readString(TerraformModel.TERRAFORM.resolve("iam.tf")))
                .as("iam.tf's comment on transactions")
                .contains("dynamodb:ConditionCheckItem")
                .contains("https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html")
                .doesNotContain("authorised per item as dynamodb:UpdateItem");
    }

    @Test
    void everyQueueIsEncryptedAndTheDeadLetterQueuesKeepMessagesFourteenDays() {
        List<String> problems = new ArrayList<>();
        List<String> queues = new ArrayList<>();
        terraform.forEachBlock("resource", (name, block) -> {
            if (!name.startsWith("aws_sqs_queue.")) {
                return;
            }
            queues.add(name);
            boolean managed = block.path("sqs_managed_sse_enabled").asBoolean(false);
            boolean kms = block.hasNonNull("kms_master_key_id");
            if (!managed && !kms) {
                problems.add(name + " has neither sqs_managed_sse_enabled = true nor kms_master_key_id");
            }
        });
        assertThat(queues).as("aws_sqs_queue blocks checked").isNotEmpty();
        assertThat(problems).as("unencrypted queues").isEmpty();
        assertThat(wholeNumber(
                        terraform
                                .block("resource", "aws_sqs_queue", "dlq")
                                .path("message_retention_seconds")
                                .asText(),
                        defaults()))
                .isEqualTo(14 * 24 * 3600);
        assertThat(terraform
                        .block("resource", "aws_sqs_queue", "work")
                        .path("redrive_policy")
                        .asText())
                .contains("aws_sqs_queue.dlq.arn")
                .contains("var.max_receive_count");
        assertThat(defaultNumber("max_receive_count")).isGreaterThanOrEqualTo(5);
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
        assertThat(queues).as("aws_sqs_queue blocks").isNotEmpty();
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
        String variables = terraform
                .block("resource", "aws_lambda_function", "function")
                .path("environment")
                .get(0)
                .path("variables")
                .asText();
        Set<String> always = new TreeSet<>();
        terraform.locals().get("function_environment").fieldNames().forEachRemaining(always::add);
        Set<String> whenGiven = new TreeSet<>();
        terraform.locals().get("function_tolerances").fieldNames().forEachRemaining(whenGiven::add);
        Set<String> set = new TreeSet<>(always);
        set.addAll(whenGiven);
        Set<String> read = new TreeSet<>();
        FunctionSettings.all().stream().map(Setting::name).forEach(read::add);

        assertThat(variables)
                .as("the function's environment: both locals, the tolerances only when not null")
                .startsWith("${merge(local.function_environment,")
                .contains("for name, value in local.function_tolerances : name => value if value != null");
        assertThat(always).as("variables set in both locals").doesNotContainAnyElementsOf(whenGiven);
        assertThat(set)
                .as("environment variables in main.tf against FunctionSettings.all()")
                .isEqualTo(read);
    }

    @Test
    void theToleranceVariablesSetTheirEnvironmentVariablesOnlyWhenGivenInAFormTheEngineReads() {
        Map<String, String> tolerances = new TreeMap<>();
        terraform
                .locals()
                .get("function_tolerances")
                .properties()
                .forEach(
                        entry -> tolerances.put(entry.getKey(), entry.getValue().asText()));
        String count = tolerances.get(EngineSettings.TOLERATED_FAILURE_COUNT.name());
        String percentage = tolerances.get(EngineSettings.TOLERATED_FAILURE_PERCENTAGE.name());
        Map<String, Object> unset = defaults();
        Map<String, Object> given = defaultsWith(
                "tolerated_failure_count", new BigDecimal(3), "tolerated_failure_percentage", new BigDecimal("2.5"));

        assertThat(tolerances).as("local.function_tolerances").hasSize(2);
        assertThat(unset)
                .containsEntry("tolerated_failure_count", null)
                .containsEntry("tolerated_failure_percentage", null);
        assertThat(Expression.value(count, unset, localExpressions()))
                .as("null: not set")
                .isNull();
        assertThat(Expression.value(percentage, unset, localExpressions()))
                .as("null: not set")
                .isNull();
        String countValue = (String) Expression.value(count, given, localExpressions());
        String percentageValue = (String) Expression.value(percentage, given, localExpressions());
        assertThat(countValue).isEqualTo("3");
        assertThat(percentageValue).isEqualTo("2.5");
        Map<String, String> environment = Map.of(
                EngineSettings.TOLERATED_FAILURE_COUNT.name(), countValue,
                EngineSettings.TOLERATED_FAILURE_PERCENTAGE.name(), percentageValue);
        assertThat(EngineSettings.from(environment).tolerance())
                .as("what the engine reads from them")
                .isEqualTo(new LedgerTolerance(3, 2.5));

        String countRule = validation("tolerated_failure_count");
        assertThat(Expression.condition(countRule, defaultsWith("tolerated_failure_count", new BigDecimal(-1))))
                .isFalse();
        assertThat(Expression.condition(countRule, defaultsWith("tolerated_failure_count", new BigDecimal("1.5"))))
                .isFalse();
        assertThat(Expression.condition(countRule, defaultsWith("tolerated_failure_count", BigDecimal.ZERO)))
                .isTrue();
        assertThat(Expression.condition(
                        countRule, defaultsWith("tolerated_failure_count", new BigDecimal(Integer.MAX_VALUE))))
                .as("the engine's ceiling, Integer.MAX_VALUE")
                .isTrue();
        assertThat(Expression.condition(
                        countRule, defaultsWith("tolerated_failure_count", new BigDecimal(Integer.MAX_VALUE + 1L))))
                .isFalse();
        String percentageRule = validation("tolerated_failure_percentage");
        assertThat(Expression.condition(
                        percentageRule, defaultsWith("tolerated_failure_percentage", new BigDecimal("-0.5"))))
                .isFalse();
        assertThat(Expression.condition(
                        percentageRule, defaultsWith("tolerated_failure_percentage", new BigDecimal("100.5"))))
                .isFalse();
        assertThat(Expression.condition(percentageRule, defaultsWith("tolerated_failure_percentage", BigDecimal.ZERO)))
                .isTrue();
        assertThat(Expression.condition(
                        percentageRule, defaultsWith("tolerated_failure_percentage", new BigDecimal(100))))
                .isTrue();
    }

    private static final long DAY = 86_400;

    @Test
    void theLedgerTtlIsTheLongestPathAMessageTakesPlusADayAndNoOverrideMayBeShorter() {
        // Work queue, then the DLQ (a moved message keeps its enqueue timestamp: the longer retention of the two),
        // then parked (a new message), then redriven (a new message on the work queue), and a day of margin.
        Map<String, Object> defaults = defaults();
        long path = Math.max(retention("work", defaults), retention("dlq", defaults))
                + retention("parked", defaults)
                + retention("work", defaults);
        String ttl = environment().get("IDEMPOTENCY_TTL");
        Matcher seconds = SECONDS_OF_LOCAL.matcher(ttl);
        assertThat(seconds.matches())
                .as("IDEMPOTENCY_TTL = %s, whole seconds of a local", ttl)
                .isTrue();
        String local = "${local." + seconds.group(1) + "}";

        assertThat(wholeNumber(local, defaults)).isEqualTo(path + DAY).isEqualTo(33 * DAY);
        assertThat(DurationSetting.parse(wholeNumber(local, defaults) + "s"))
                .as("what the function reads from IDEMPOTENCY_TTL, against the engine's own default")
                .isEqualTo(Duration.ofDays(33))
                .isEqualTo(DurationSetting.parse(EngineSettings.IDEMPOTENCY_TTL.defaultValue()));
        Map<String, Object> otherRetention = defaultsWith(
                "work_queue_retention_seconds", new BigDecimal(7 * DAY),
                "parked_queue_retention_seconds", new BigDecimal(3 * DAY));
        assertThat(wholeNumber(local, otherRetention))
                .as("7-day work queue, 14-day DLQ, 3-day parked queue: 14 + 3 + 7 + 1 days")
                .isEqualTo(25 * DAY);
        assertThat(wholeNumber(local, defaultsWith("idempotency_ttl_seconds", new BigDecimal(40 * DAY))))
                .isEqualTo(40 * DAY);

        String condition = functionPrecondition("local.minimum_idempotency_ttl_seconds");
        assertThat(Expression.condition(
                        condition,
                        defaultsWith("idempotency_ttl_seconds", new BigDecimal(33 * DAY - 1)),
                        localExpressions()))
                .as("an override a second short of the path")
                .isFalse();
        assertThat(Expression.condition(
                        condition,
                        defaultsWith("idempotency_ttl_seconds", new BigDecimal(33 * DAY)),
                        localExpressions()))
                .isTrue();
        assertThat(Expression.condition(condition, otherRetention, localExpressions()))
                .as("derived, whatever the retention")
                .isTrue();
        String validation = validation("idempotency_ttl_seconds");
        assertThat(Expression.condition(validation, defaultsWith("idempotency_ttl_seconds", BigDecimal.ZERO)))
                .isFalse();
        assertThat(Expression.condition(validation, defaultsWith("idempotency_ttl_seconds", new BigDecimal("1.5"))))
                .isFalse();
        assertThat(Expression.condition(validation, defaultsWith("idempotency_ttl_seconds", null)))
                .isTrue();
    }

    @Test
    void theJobDeadlineIsTheWorkQueuesRetentionPlusADayAndStaysBelowTheTtl() {
        Map<String, Object> defaults = defaults();
        String deadline = environment().get("JOB_DEADLINE");
        Matcher seconds = SECONDS_OF_LOCAL.matcher(deadline);
        assertThat(seconds.matches())
                .as("JOB_DEADLINE = %s, whole seconds of a local", deadline)
                .isTrue();
        String local = "${local." + seconds.group(1) + "}";

        assertThat(wholeNumber(local, defaults))
                .isEqualTo(retention("work", defaults) + DAY)
                .isEqualTo(5 * DAY);
        assertThat(DurationSetting.parse(wholeNumber(local, defaults) + "s"))
                .as("what the function reads from JOB_DEADLINE, against the engine's own default")
                .isEqualTo(DurationSetting.parse(EngineSettings.JOB_DEADLINE.defaultValue()));
        assertThat(wholeNumber(local, defaultsWith("job_deadline_seconds", new BigDecimal(3600))))
                .isEqualTo(3600);

        String condition = functionPrecondition("local.job_deadline_seconds");
        assertThat(Expression.condition(
                        condition, defaultsWith("job_deadline_seconds", new BigDecimal(33 * DAY)), localExpressions()))
                .as("a deadline equal to the TTL")
                .isFalse();
        assertThat(Expression.condition(
                        condition,
                        defaultsWith("job_deadline_seconds", new BigDecimal(33 * DAY - 1)),
                        localExpressions()))
                .isTrue();
        String validation = validation("job_deadline_seconds");
        assertThat(Expression.condition(validation, defaultsWith("job_deadline_seconds", BigDecimal.ZERO)))
                .isFalse();
        assertThat(Expression.condition(validation, defaultsWith("job_deadline_seconds", new BigDecimal(-60))))
                .isFalse();
        assertThat(Expression.condition(validation, defaultsWith("job_deadline_seconds", BigDecimal.ONE)))
                .isTrue();
        assertThat(Expression.condition(validation, defaultsWith("job_deadline_seconds", null)))
                .isTrue();
    }

    @Test
    void theDeadLetterQueueKeepsMessagesAtLeastAsLongAsTheWorkQueue() {
        List<String> conditions = preconditions(terraform.block("resource", "aws_sqs_queue", "dlq"));
        Map<String, Object> shorter = defaultsWith("dlq_retention_seconds", new BigDecimal(3 * DAY));

        assertThat(conditions).as("preconditions of aws_sqs_queue.dlq").hasSize(1);
        assertThat(Expression.condition(conditions.getFirst(), defaults())).isTrue();
        assertThat(Expression.condition(conditions.getFirst(), shorter))
                .as("a 3-day DLQ behind a 4-day work queue")
                .isFalse();
        assertThat(retention("work", defaults())).isEqualTo(4 * DAY);
    }

    private static final Pattern SECONDS_OF_LOCAL = Pattern.compile("^\\$\\{local\\.(\\w+)}s$");

    /** A queue's {@code message_retention_seconds} with the given variables. */
    private static long retention(String queue, Map<String, Object> variables) {
        return wholeNumber(
                terraform
                        .block("resource", "aws_sqs_queue", queue)
                        .path("message_retention_seconds")
                        .asText(),
                variables);
    }

    /** The function's one precondition that names {@code reference}. */
    private static String functionPrecondition(String reference) {
        List<String> matching = preconditions(terraform.block("resource", "aws_lambda_function", "function")).stream()
                .filter(condition -> condition.contains(reference))
                .toList();
        assertThat(matching)
                .as("preconditions of aws_lambda_function.function on %s", reference)
                .hasSize(1);
        return matching.getFirst();
    }

    /** The variables the function always gets, as written: each one's expression. */
    private static Map<String, String> environment() {
        Map<String, String> environment = new TreeMap<>();
        terraform
                .locals()
                .get("function_environment")
                .properties()
                .forEach(entry ->
                        environment.put(entry.getKey(), entry.getValue().asText()));
        return environment;
    }

    @Test
    void aScheduleInvokesTheFunctionWithTheSweepEventTheHandlerTakes() throws Exception {
        JsonNode rule = terraform.block("resource", "aws_cloudwatch_event_rule", "sweep");
        JsonNode target = terraform.block("resource", "aws_cloudwatch_event_target", "sweep");
        JsonNode permission = terraform.block("resource", "aws_lambda_permission", "sweep");

        assertThat(rule.path("schedule_expression").asText()).isEqualTo("${var.sweep_schedule}");
        assertThat(rule.has("count")).as("the sweep runs in every deployment").isFalse();
        assertThat(rule.has("event_bus_name"))
                .as("scheduled rules live on the default bus")
                .isFalse();
        assertThat(rule.has("event_pattern")).isFalse();
        assertThat(target.path("rule").asText()).isEqualTo("${aws_cloudwatch_event_rule.sweep.name}");
        assertThat(target.path("arn").asText())
                .as("the same target as every other trigger: the 'live' alias with SnapStart")
                .isEqualTo("${local.invoke_target_arn}");
        String input = target.path("input").asText();
        assertThat(input).isEqualTo("{\"loadSplitterSweep\":{}}");
        JsonNode event = new ObjectMapper().readTree(input);
        Method isSweep = Class.forName("dev.loadsplitter.engine.internal.handler.SweepHandler")
                .getDeclaredMethod("isSweep", JsonNode.class);
        isSweep.setAccessible(true);
        assertThat(isSweep.invoke(null, event))
                .as("SweepHandler.isSweep(%s)", input)
                .isEqualTo(true);

        assertThat(permission.path("principal").asText()).isEqualTo("events.amazonaws.com");
        assertThat(permission.path("action").asText()).isEqualTo("lambda:InvokeFunction");
        assertThat(permission.path("source_arn").asText()).isEqualTo("${aws_cloudwatch_event_rule.sweep.arn}");
        assertThat(permission.path("function_name").asText())
                .isEqualTo("${aws_lambda_function.function.function_name}");
        assertThat(permission.path("qualifier").asText()).isEqualTo("${local.invoke_qualifier}");

        assertThat(terraform.variables().get("sweep_schedule").path("default").asText())
                .isEqualTo("rate(15 minutes)");
        String schedule = validation("sweep_schedule");
        for (String accepted : List.of("rate(15 minutes)", "rate(1 hour)", "cron(0/15 * * * ? *)")) {
            assertThat(Expression.condition(schedule, defaultsWith("sweep_schedule", accepted)))
                    .as(accepted)
                    .isTrue();
        }
        for (String refused : List.of("every 15 minutes", "rate()", "", "15m")) {
            assertThat(Expression.condition(schedule, defaultsWith("sweep_schedule", refused)))
                    .as("'%s'", refused)
                    .isFalse();
        }
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
    void theFailedEventsQueueInvokesTheFunctionWhichKnowsItByItsArn() {
        JsonNode mapping = terraform.block("resource", "aws_lambda_event_source_mapping", "failed_events");
        assertThat(mapping.path("event_source_arn").asText()).isEqualTo("${aws_sqs_queue.failed_events.arn}");
        assertThat(mapping.path("function_name").asText()).isEqualTo("${local.invoke_target_arn}");
        assertThat(mapping.path("batch_size").asText()).isEqualTo("10");
        assertThat(mapping.path("function_response_types").get(0).asText()).isEqualTo("ReportBatchItemFailures");
        assertThat(mapping.path("scaling_config")
                        .get(0)
                        .path("maximum_concurrency")
                        .asText())
                .isEqualTo("2");
        assertThat(environment().get("FAILED_EVENTS_QUEUE_ARN")).isEqualTo("${aws_sqs_queue.failed_events.arn}");
        assertThat(terraform
                        .block("resource", "aws_sqs_queue", "failed_events")
                        .path("visibility_timeout_seconds")
                        .asText())
                .as("a queue with a mapping: its visibility timeout is the work queue's")
                .isEqualTo("${local.visibility_timeout_seconds}");
        assertThat(environment()).containsKey("PARKED_QUEUE_URL");
    }

    @Test
    void everyQueueSetsAMaxMessageSizeThatTakesTheFunctionsLargestMessage() throws Exception {
        Map<String, Long> sizes = new TreeMap<>();
        terraform.forEachBlock("resource", (name, block) -> {
            if (name.startsWith("aws_sqs_queue.")) {
                sizes.put(name, maxMessageSize(block));
            }
        });
        Matcher ceiling =
                Pattern.compile("var\\.max_message_bytes\\s*<=\\s*(\\d+)").matcher(validation("max_message_bytes"));
        assertThat(ceiling.find())
                .as("max_message_bytes's validation names its ceiling")
                .isTrue();
        long largestSetting = Long.parseLong(ceiling.group(1));

        assertThat(sizes)
                .as("aws_sqs_queue blocks in %s", TerraformModel.TERRAFORM)
                .isNotEmpty();
        // Unset, the provider sends its own default, 262,144 bytes, and the queue refuses larger sub-tasks for good.
        assertThat(sizes)
                .allSatisfy((queue, size) -> assertThat(size)
                        .as("%s.max_message_size (-1: unset) against the largest MAX_MESSAGE_BYTES", queue)
                        .isGreaterThanOrEqualTo(largestSetting)
                        .isGreaterThanOrEqualTo(SplitPolicy.SQS_MAX_MESSAGE_BYTES)
                        .isLessThanOrEqualTo(1_048_576));
        assertThat(Files.readString(TerraformModel.TERRAFORM.resolve("main.tf")))
                .as("main.tf's comments on max_message_size")
                .doesNotContain("left unset");
    }

    /** A queue's {@code max_message_size}, through a {@code local.} reference; -1 when it is not set. */
    private static long maxMessageSize(JsonNode queue) {
        if (!queue.has("max_message_size")) {
            return -1;
        }
        return wholeNumber(queue.path("max_message_size").asText(), defaults());
    }

    @Test
    void theProviderFloorIsTheFirstReleaseWhoseQueuesTakeOneMebibyte() {
        // hashicorp/terraform-provider-aws CHANGELOG.md, 6.8.0 (August 7, 2025): "resource/aws_sqs_queue: Increase
        // upper limit of `max_message_size` from 256 KiB to 1024 KiB (#43710)". No 5.x release has it.
        List<Integer> firstThatAcceptsOneMebibyte = List.of(6, 8, 0);
        JsonNode aws = terraform
                .files()
                .get("versions.tf")
                .path("terraform")
                .get(0)
                .path("required_providers")
                .get(0)
                .path("aws");
        String constraint = aws.path("version").asText();
        Matcher floor = Pattern.compile(">=\\s*(\\d+)\\.(\\d+)\\.(\\d+)").matcher(constraint);

        assertThat(aws.path("source").asText()).isEqualTo("hashicorp/aws");
        assertThat(floor.find())
                .as("a '>=' floor in version = \"%s\"", constraint)
                .isTrue();
        List<Integer> version = List.of(
                Integer.parseInt(floor.group(1)), Integer.parseInt(floor.group(2)), Integer.parseInt(floor.group(3)));
        assertThat(compareVersions(version, firstThatAcceptsOneMebibyte))
                .as("provider floor %s against 6.8.0, the first whose aws_sqs_queue takes 1,048,576", version)
                .isGreaterThanOrEqualTo(0);
        assertThat(constraint).as("the next major may change the schema").contains("< 7.0.0");
    }

    private static int compareVersions(List<Integer> left, List<Integer> right) {
        for (int i = 0; i < 3; i++) {
            int order = Integer.compare(left.get(i), right.get(i));
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    @Test
    void dispatchInvokeIsRefusedWithoutAReservedConcurrency() {
        JsonNode function = terraform.block("resource", "aws_lambda_function", "function");
        assertThat(function.path("reserved_concurrent_executions").asText()).isEqualTo("${var.reserved_concurrency}");
        List<JsonNode> preconditions = new ArrayList<>();
        function.path("lifecycle")
                .forEach(lifecycle -> lifecycle.path("precondition").forEach(preconditions::add));
        List<JsonNode> onReservedConcurrency = preconditions.stream()
                .filter(p -> p.path("condition").asText().contains("var.reserved_concurrency"))
                .toList();

        assertThat(onReservedConcurrency)
                .as("preconditions of aws_lambda_function.function on reserved_concurrency")
                .hasSize(1);
        String condition = onReservedConcurrency.getFirst().path("condition").asText();
        assertThat(Expression.condition(condition, Map.of("dispatch", "invoke", "reserved_concurrency", -1L)))
                .as("dispatch = invoke, unreserved: %s", condition)
                .isFalse();
        assertThat(Expression.condition(condition, Map.of("dispatch", "invoke", "reserved_concurrency", 200L)))
                .as("dispatch = invoke, 200 reserved")
                .isTrue();
        assertThat(Expression.condition(condition, Map.of("dispatch", "sqs", "reserved_concurrency", -1L)))
                .as("dispatch = sqs, unreserved (the default)")
                .isTrue();
        assertThat(onReservedConcurrency.getFirst().path("error_message").asText())
                .contains("reserved_concurrency")
                .contains("whole concurrency")
                .contains("100 AWS keeps unreserved");
        assertThat(terraform
                        .variables()
                        .get("reserved_concurrency")
                        .path("description")
                        .asText())
                .as("reserved_concurrency's description says why dispatch = invoke needs it")
                .contains("dispatch = \"invoke\"")
                .contains("100");
    }

    @Test
    void terraformFmtFindsNothingToReformat() throws Exception {
        Optional<Path> binary = onPath("terraform");
        Assumptions.assumeTrue(
                binary.isPresent(), "no terraform binary on the PATH: 'terraform fmt -check' is skipped");
        ProcessBuilder builder = new ProcessBuilder(binary.get().toString(), "fmt", "-check", "-diff", "-no-color")
                .directory(TerraformModel.TERRAFORM.toFile())
                .redirectErrorStream(true);
        // No call home for a version check: the build stays offline.
        builder.environment().put("CHECKPOINT_DISABLE", "1");
        Process fmt = builder.start();
        String output = new String(fmt.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(fmt.waitFor(60, TimeUnit.SECONDS))
                .as("terraform fmt finished")
                .isTrue();

        assertThat(fmt.exitValue())
                .as(
                        "'terraform fmt -check' in %s; run 'terraform fmt' there to fix:%n%s",
                        TerraformModel.TERRAFORM, output)
                .isZero();
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(java.io.File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, command))
                .filter(Files::isExecutable)
                .findFirst();
    }

    @Test
    void theSampleEventsOfTheTestTabExist() {
        List<Path> events = new ArrayList<>();
        terraform
                .locals()
                .get("test_events")
                .properties()
                .forEach(entry -> events.add(
                        Path.of("..", "examples", "events", entry.getValue().asText())));

        assertThat(events)
                .as("local.test_events")
                .isNotEmpty()
                .allSatisfy(event -> assertThat(event).exists());
    }

    @Test
    void theDeployGuideDocumentsEveryVariable() throws Exception {
        String section = TerraformModel.deployGuide();
        assertThat(terraform.variables())
                .as("variables in %s", TerraformModel.TERRAFORM)
                .isNotEmpty();
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

    /** Every variable's default as {@link Expression} takes it: numbers, strings, bools, lists and null. */
    private static Map<String, Object> defaults() {
        Map<String, Object> defaults = new HashMap<>();
        terraform.variables().forEach((name, variable) -> {
            if (variable.has("default")) {
                defaults.put(name, plain(variable.path("default")));
            }
        });
        return defaults;
    }

    private static Object plain(JsonNode value) {
        if (value.isNumber()) {
            return value.decimalValue();
        }
        if (value.isTextual() || value.isBoolean()) {
            return value.isTextual() ? value.asText() : value.asBoolean();
        }
        if (value.isArray()) {
            List<Object> list = new ArrayList<>();
            value.forEach(element -> list.add(plain(element)));
            return list;
        }
        return value.isNull() ? null : value;
    }

    /** The defaults with some variables set otherwise, {@code null} allowed. */
    private static Map<String, Object> defaultsWith(Object... nameValuePairs) {
        Map<String, Object> variables = defaults();
        for (int i = 0; i < nameValuePairs.length; i += 2) {
            String name = (String) nameValuePairs[i];
            assertThat(variables).as("a variable to set").containsKey(name);
            variables.put(name, nameValuePairs[i + 1]);
        }
        return variables;
    }

    private static long defaultNumber(String variable) {
        return wholeNumber("${var." + variable + "}", defaults());
    }

    /** Every local's expression, for {@link Expression}'s {@code local.} references. */
    private static Map<String, String> localExpressions() {
        Map<String, String> locals = new HashMap<>();
        terraform.locals().forEach((name, value) -> locals.put(name, value.asText()));
        return locals;
    }

    /** A whole-number expression, its {@code local.} references followed. */
    private static long wholeNumber(String expression, Map<String, Object> variables) {
        return Expression.number(expression, variables, localExpressions()).longValueExact();
    }
}
