locals {
  function_name = var.prefix

  # Provisioned mode for the work queue's mapping when pollers are given (standard mode otherwise).
  provisioned_mode = var.minimum_pollers != null || var.maximum_pollers != null

  # The Maven build's output unless a path is given.
  function_jar = var.function_jar_path != "" ? var.function_jar_path : "${path.module}/../../function/target/load-splitter-function.jar"

  # The Lambda entry class of the jar (by default FunctionSettings.HANDLER, the generic handler).
  handler = var.handler

  # AWS: set the source queue's visibility timeout to at least six times the function timeout, plus
  # the batching window, so a batch being retried after throttling is not delivered twice.
  # https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
  visibility_timeout_seconds = 6 * var.timeout_seconds + var.maximum_batching_window_in_seconds

  # What EventBridge and the mapping invoke: the 'live' alias with SnapStart, the function otherwise.
  invoke_target_arn = var.snap_start ? aws_lambda_alias.live[0].arn : aws_lambda_function.function.arn
  invoke_qualifier  = var.snap_start ? aws_lambda_alias.live[0].name : null

  # What the function invokes itself at with dispatch = "invoke" (DISPATCH_QUALIFIER below): no cycle through the alias.
  self_invoke_arn = var.snap_start ? "${aws_lambda_function.function.arn}:live" : aws_lambda_function.function.arn

  # Every queue takes SQS's largest message, 1,048,576 bytes, so it holds whatever the function sends
  # (MAX_MESSAGE_BYTES, at most 1,048,576) and the copies SQS and the function move between queues.
  # It is set on each queue because the AWS provider sends its own default, 262,144 bytes, when the
  # argument is unset: a queue created without it refuses every sub-task over 256 KiB for good.
  # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html
  queue_max_message_size = 1048576

  # The ledger must outlive every message of its jobs, or a late duplicate runs again and a redrive counts
  # into a job that is gone. The longest a sub-task message lives, counted from its first send: the work
  # queue, then the DLQ, which on a standard queue keeps the message's original enqueue timestamp (so the
  # two together last at most the longer retention); then the parked queue, where the function re-sends it
  # as a new message with that queue's own retention; then a redrive, a new message on the work queue.
  # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html
  message_lifetime_seconds = max(var.work_queue_retention_seconds, var.dlq_retention_seconds) + var.parked_queue_retention_seconds + var.work_queue_retention_seconds

  # A day of margin on each derived duration: for the last invocation's own time, the sweep's schedule and clocks.
  ledger_margin_seconds = 86400

  # IDEMPOTENCY_TTL: 14 + 14 + 4 days + 1 day = 2,851,200 s (33 days) with the default retention.
  minimum_idempotency_ttl_seconds = local.message_lifetime_seconds + local.ledger_margin_seconds
  idempotency_ttl_seconds         = var.idempotency_ttl_seconds == null ? local.minimum_idempotency_ttl_seconds : var.idempotency_ttl_seconds

  # JOB_DEADLINE: by the work queue's retention, every sub-task sent as the job began is done, dead-lettered
  # or gone, deleted by SQS unreceived (an expired message is not dead-lettered, so its items are never
  # counted and the job would stay open); a day later the sweep closes what is still open as TIMED_OUT.
  # 4 days + 1 day = 432,000 s (5 days) by default.
  job_deadline_seconds = var.job_deadline_seconds == null ? var.work_queue_retention_seconds + local.ledger_margin_seconds : var.job_deadline_seconds
}

# Queues ----------------------------------------------------------------------------------------

resource "aws_sqs_queue" "work" {
  name                       = "${var.prefix}-queue"
  visibility_timeout_seconds = local.visibility_timeout_seconds
  message_retention_seconds  = var.work_queue_retention_seconds
  max_message_size           = local.queue_max_message_size
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

resource "aws_sqs_queue" "dlq" {
  name                      = "${var.prefix}-dlq"
  message_retention_seconds = var.dlq_retention_seconds
  max_message_size          = local.queue_max_message_size
  sqs_managed_sse_enabled   = true
  # The DLQ invokes the function too (its records are counted into their jobs and parked): the same
  # visibility timeout as any queue with an event source mapping.
  visibility_timeout_seconds = local.visibility_timeout_seconds

  lifecycle {
    # A moved message keeps its enqueue timestamp, so a DLQ that keeps messages for less time than the work
    # queue deletes a late dead letter before the function can count it into its job; AWS recommends longer.
    # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html
    precondition {
      condition     = var.dlq_retention_seconds >= var.work_queue_retention_seconds
      error_message = "dlq_retention_seconds must be at least work_queue_retention_seconds: a standard queue's message keeps its original enqueue timestamp in the DLQ, so a shorter DLQ retention deletes dead letters before they are counted into their jobs."
    }
  }
}

# Dead-lettered sub-tasks, once counted into their jobs, wait here for 'load-splitter dlq list|redrive'.
resource "aws_sqs_queue" "parked" {
  name                      = "${var.prefix}-parked"
  message_retention_seconds = var.parked_queue_retention_seconds
  max_message_size          = local.queue_max_message_size
  sqs_managed_sse_enabled   = true
}

# Only the work queue may redrive into the DLQ.
resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.work.arn]
  })
}

# Where an EventBridge event lands when every asynchronous attempt failed (the on-failure destination); its own
# mapping hands the records back to the function, which finishes what the attempts left.
resource "aws_sqs_queue" "failed_events" {
  name                      = "${var.prefix}-failed-events"
  message_retention_seconds = 1209600
  max_message_size          = local.queue_max_message_size
  sqs_managed_sse_enabled   = true
  # It invokes the function too (its records' events run again): the same visibility timeout as any queue with an
  # event source mapping; Lambda refuses a mapping whose queue's is below the function timeout.
  visibility_timeout_seconds = local.visibility_timeout_seconds
}

# Every queue refuses requests that do not use TLS.
data "aws_iam_policy_document" "tls_only" {
  for_each = {
    work          = aws_sqs_queue.work.arn
    dlq           = aws_sqs_queue.dlq.arn
    parked        = aws_sqs_queue.parked.arn
    failed_events = aws_sqs_queue.failed_events.arn
  }

  statement {
    sid    = "DenyInsecureTransport"
    effect = "Deny"
    # A Deny of every SQS action to every principal is the narrowest way to say "TLS only".
    actions   = ["sqs:*"]
    resources = [each.value]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "tls_only" {
  for_each = {
    work          = aws_sqs_queue.work.id
    dlq           = aws_sqs_queue.dlq.id
    parked        = aws_sqs_queue.parked.id
    failed_events = aws_sqs_queue.failed_events.id
  }

  queue_url = each.value
  policy    = data.aws_iam_policy_document.tls_only[each.key].json
}

# The job ledger (IDEMPOTENCY=dynamodb): claims, per-item marks and counts, removed by TTL --------------

# Partition key pk, sort key sk (DynamoDbLedgerTable.PK and SK): one partition per job, holding its header,
# its counter shards, one mark per item in index order and one claim per sub-task, so the function reads a
# job's items with Query; beside them, a jobs index per day and the 'jobs/unsettled' list the sweep reads.
resource "aws_dynamodb_table" "processing_records" {
  count = var.idempotency == "dynamodb" ? 1 : 0

  name         = "${var.prefix}-processing-records"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  # Every record carries expiresAt, its last change plus IDEMPOTENCY_TTL, in epoch seconds.
  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }
}

# The function ----------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
}

# The function's environment: exactly the variables it reads (FunctionSettings.all()), the tolerances
# included; a check in deploy/src/test holds them equal.
locals {
  function_environment = {
    TASK_TYPE = var.task_type
    DISPATCH  = var.dispatch
    # With SnapStart the function invokes itself at its 'live' alias, as EventBridge and the mapping do.
    DISPATCH_QUALIFIER = var.snap_start ? "live" : ""
    QUEUE_URL          = aws_sqs_queue.work.url
    QUEUE_NAME         = aws_sqs_queue.work.name
    MAX_ITEMS_PER_TASK = tostring(var.max_items_per_task)
    MAX_MESSAGE_BYTES  = tostring(var.max_message_bytes)
    MAX_SPLIT_DEPTH    = tostring(var.max_split_depth)
    FAN_OUT_LIMIT      = tostring(var.fan_out_limit)
    SEND_CONCURRENCY   = tostring(var.send_concurrency)
    SEND_MAX_ATTEMPTS  = tostring(var.send_max_attempts)
    RECORD_CONCURRENCY = tostring(var.record_concurrency)
    PROCESSING_DELAY   = var.processing_delay
    IDEMPOTENCY        = var.idempotency
    IDEMPOTENCY_TABLE  = var.idempotency == "dynamodb" ? aws_dynamodb_table.processing_records[0].name : ""
    IDEMPOTENCY_TTL    = "${local.idempotency_ttl_seconds}s"
    JOB_DEADLINE       = "${local.job_deadline_seconds}s"
    EVENT_BUS_NAME     = var.event_bus_name
    MAX_RECEIVE_COUNT  = tostring(var.max_receive_count)
    # dispatch = "invoke": Lambda's attempts at an asynchronous invocation; the last failure counts as dead-lettered.
    INVOKE_MAX_ATTEMPTS = tostring(var.async_max_retry_attempts + 1)
    # The DLQ's records are counted into their jobs as dead-lettered, then parked (the mapping below).
    DEAD_LETTER_QUEUE_ARN = aws_sqs_queue.dlq.arn
    PARKED_QUEUE_URL      = aws_sqs_queue.parked.url
    # The failed-events queue's invocation records run again, finishing a split whose every attempt failed (the
    # third mapping below).
    FAILED_EVENTS_QUEUE_ARN = aws_sqs_queue.failed_events.arn
  }

  # Set only when given: unset, a job tolerates any number of dead-lettered items, as before tolerances.
  function_tolerances = {
    TOLERATED_FAILURE_COUNT      = var.tolerated_failure_count == null ? null : tostring(var.tolerated_failure_count)
    TOLERATED_FAILURE_PERCENTAGE = var.tolerated_failure_percentage == null ? null : tostring(var.tolerated_failure_percentage)
  }
}

resource "aws_lambda_function" "function" {
  function_name    = local.function_name
  description      = "Load Splitter: splits large tasks into sub-tasks on SQS and processes them in parallel."
  role             = aws_iam_role.function.arn
  runtime          = "java21"
  handler          = local.handler
  architectures    = [var.architecture]
  memory_size      = var.memory_size
  timeout          = var.timeout_seconds
  filename         = local.function_jar
  source_code_hash = filebase64sha256(local.function_jar)
  publish          = var.snap_start

  reserved_concurrent_executions = var.reserved_concurrency

  lifecycle {
    # With dispatch = "invoke" every sub-task is an asynchronous invocation of its own, scaling at
    # 1,000 execution environments every 10 seconds: unbounded, one fan-out can take the account's
    # whole concurrency and throttle every other function in the Region.
    # https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
    precondition {
      condition     = var.dispatch != "invoke" || var.reserved_concurrency != -1
      error_message = "dispatch = \"invoke\" needs reserved_concurrency: each sub-task is an invocation of its own, so one fan-out could take the account's whole concurrency (1,000 per Region by default, less in a new account) and throttle every other function. Set reserved_concurrency to the most this function may use, at most the account's concurrency minus the 100 AWS keeps unreserved ('aws lambda get-account-settings' shows both)."
    }
    # A TTL of one's own may not cut the ledger short of the longest path a message takes (locals above).
    precondition {
      condition     = local.idempotency_ttl_seconds >= local.minimum_idempotency_ttl_seconds
      error_message = "idempotency_ttl_seconds must be at least ${local.minimum_idempotency_ttl_seconds} (max(work, DLQ retention) + parked retention + work retention + 1 day), or null to derive it: a shorter TTL lets a late duplicate or a redrive find its job gone."
    }
    # The sweep finds a job past its deadline only while the job's records are kept.
    precondition {
      condition     = local.job_deadline_seconds < local.idempotency_ttl_seconds
      error_message = "job_deadline_seconds must be below the ledger's TTL, ${local.idempotency_ttl_seconds} s: a job whose records expire first is never closed as TIMED_OUT."
    }
  }

  environment {
    variables = merge(local.function_environment, { for name, value in local.function_tolerances : name => value if value != null })
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.function.name
  }

  dynamic "snap_start" {
    for_each = var.snap_start ? [1] : []
    content {
      apply_on = "PublishedVersions"
    }
  }

  depends_on = [aws_iam_role_policy.function, aws_cloudwatch_log_group.function]
}

resource "aws_lambda_alias" "live" {
  count = var.snap_start ? 1 : 0

  name             = "live"
  function_name    = aws_lambda_function.function.function_name
  function_version = aws_lambda_function.function.version
}

# Splitting goes rule -> function -> queue -> function: two hops through SQS per event (or one per
# level of re-splitting, capped by MAX_SPLIT_DEPTH at 15), far under the 16 at which Lambda's
# recursive loop detection stops a chain. Keep it on, so a bug that loops is stopped. With
# dispatch = "invoke" the hops are the function's own asynchronous invocations instead; the same
# depth cap bounds them, whether or not the detection follows that path (the page lists the
# services it tracks).
# https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html
resource "aws_lambda_function_recursion_config" "function" {
  function_name  = aws_lambda_function.function.function_name
  recursive_loop = "Terminate"
}

# Sub-tasks: the work queue invokes the function --------------------------------------------------

resource "aws_lambda_event_source_mapping" "work" {
  event_source_arn                   = aws_sqs_queue.work.arn
  function_name                      = local.invoke_target_arn
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
  # The function answers with a partial batch response: only the records it names come back.
  function_response_types = ["ReportBatchItemFailures"]

  # Standard mode caps the mapping with maximum_concurrency; provisioned mode sizes it with pollers. AWS
  # refuses both on one SQS mapping, so exactly one of the two blocks is written.
  dynamic "scaling_config" {
    for_each = local.provisioned_mode ? [] : [var.maximum_concurrency]
    content {
      maximum_concurrency = scaling_config.value
    }
  }

  dynamic "provisioned_poller_config" {
    for_each = local.provisioned_mode ? [1] : []
    content {
      minimum_pollers = var.minimum_pollers
      maximum_pollers = var.maximum_pollers
    }
  }

  lifecycle {
    precondition {
      condition     = var.batch_size <= 10 || var.maximum_batching_window_in_seconds >= 1
      error_message = "A batch_size above 10 needs maximum_batching_window_in_seconds of at least 1."
    }
    precondition {
      condition     = !local.provisioned_mode || var.maximum_concurrency == null
      error_message = "Provisioned mode (minimum_pollers, maximum_pollers) and maximum_concurrency are mutually exclusive on an SQS event source mapping: set maximum_concurrency = null to use pollers."
    }
    precondition {
      condition     = local.provisioned_mode || var.maximum_concurrency != null
      error_message = "Standard mode needs maximum_concurrency (2 to 1000); for provisioned mode set both minimum_pollers and maximum_pollers."
    }
    precondition {
      condition     = (var.minimum_pollers == null) == (var.maximum_pollers == null)
      error_message = "Set minimum_pollers and maximum_pollers together, or neither."
    }
    precondition {
      condition     = !local.provisioned_mode || try(var.maximum_pollers >= var.minimum_pollers, false)
      error_message = "maximum_pollers must be at least minimum_pollers."
    }
    precondition {
      condition     = local.provisioned_mode || var.reserved_concurrency == -1 || var.maximum_concurrency == null ? true : var.maximum_concurrency < var.reserved_concurrency
      error_message = "maximum_concurrency must stay below reserved_concurrency, leaving room for EventBridge's invocations; otherwise throttled batches count toward max_receive_count and can reach the DLQ."
    }
  }

  depends_on = [aws_iam_role_policy.function]
}

# Dead letters: the DLQ invokes the function too, which counts each record into its job (a throttle, a
# crash, a timeout or an init error can dead-letter a sub-task without the function seeing it fail) and
# parks it, so every job closes and nothing is lost.
resource "aws_lambda_event_source_mapping" "dead_letters" {
  event_source_arn        = aws_sqs_queue.dlq.arn
  function_name           = local.invoke_target_arn
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = 2
  }

  depends_on = [aws_iam_role_policy.function]
}

# The failed-events queue invokes the function too: each record is Lambda's invocation record of an event that
# failed every asynchronous attempt, whose event the function runs again (FAILED_EVENTS_QUEUE_ARN), so a split those
# attempts left part-way is finished instead of timing out at its job's deadline. A record that can never run is
# parked; one whose split fails again comes back after the visibility timeout, until its job's deadline stops it.
# https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
resource "aws_lambda_event_source_mapping" "failed_events" {
  event_source_arn        = aws_sqs_queue.failed_events.arn
  function_name           = local.invoke_target_arn
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = 2
  }

  depends_on = [aws_iam_role_policy.function]
}

# Fan-in: the 'Job Completed' event ---------------------------------------------------------------

# The bus a job's completion event goes to: the account's default bus unless event_bus_name names another.
data "aws_cloudwatch_event_bus" "jobs" {
  count = var.event_bus_name != "" ? 1 : 0
  name  = var.event_bus_name
}

# An example rule on those events; give job_completed_target_arn (a queue, a function, a topic that
# accepts events from this rule) to act on them.
resource "aws_cloudwatch_event_rule" "job_completed" {
  count = var.event_bus_name != "" ? 1 : 0

  name           = "${var.prefix}-job-completed"
  description    = "Load Splitter jobs whose every item was processed or dead-lettered."
  event_bus_name = var.event_bus_name
  event_pattern = jsonencode({
    source        = ["load-splitter"]
    "detail-type" = ["Job Completed"]
  })
}

resource "aws_cloudwatch_event_target" "job_completed" {
  count = var.event_bus_name != "" && var.job_completed_target_arn != "" ? 1 : 0

  rule           = aws_cloudwatch_event_rule.job_completed[0].name
  event_bus_name = var.event_bus_name
  arn            = var.job_completed_target_arn
}

# The ledger's sweep: a schedule invokes the function ---------------------------------------------

# The ledger's safety net: on every tick the function closes jobs whose counts are complete but that nobody
# closed (the closer died between the last count and the close), publishes completion events nobody
# published, and closes jobs open past JOB_DEADLINE as TIMED_OUT. A tick costs one invocation and a Query
# of the ledger's 'jobs/unsettled' partition (more only for the jobs it finds there). Scheduled rules live
# on the default bus. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
resource "aws_cloudwatch_event_rule" "sweep" {
  name                = "${var.prefix}-sweep"
  description         = "Load Splitter: sweeps the job ledger (closes and publications left undone, jobs past their deadline)."
  schedule_expression = var.sweep_schedule
}

resource "aws_cloudwatch_event_target" "sweep" {
  rule = aws_cloudwatch_event_rule.sweep.name
  arn  = local.invoke_target_arn
  # The event the handler takes for a sweep (SweepHandler: an object whose one key is loadSplitterSweep).
  input = "{\"loadSplitterSweep\":{}}"
}

resource "aws_lambda_permission" "sweep" {
  statement_id  = "AllowSweepSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.function.function_name
  qualifier     = local.invoke_qualifier
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.sweep.arn
}

# Large tasks: EventBridge invokes the function asynchronously ------------------------------------

resource "aws_lambda_function_event_invoke_config" "function" {
  function_name                = aws_lambda_function.function.function_name
  qualifier                    = var.snap_start ? aws_lambda_alias.live[0].name : "$LATEST"
  maximum_retry_attempts       = var.async_max_retry_attempts
  maximum_event_age_in_seconds = var.async_max_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failed_events.arn
    }
  }

  depends_on = [aws_iam_role_policy.function]
}

resource "aws_cloudwatch_event_rule" "tag_changes" {
  count = var.create_event_rule ? 1 : 0

  name        = "${var.prefix}-ec2-tag-changes"
  description = "EC2 CreateTags and DeleteTags calls recorded by CloudTrail, for Load Splitter."

  event_pattern = jsonencode({
    source        = ["aws.ec2"]
    "detail-type" = ["AWS API Call via CloudTrail"]
    detail = {
      eventSource = ["ec2.amazonaws.com"]
      eventName   = ["CreateTags", "DeleteTags"]
    }
  })
}

resource "aws_cloudwatch_event_target" "function" {
  count = var.create_event_rule ? 1 : 0

  rule = aws_cloudwatch_event_rule.tag_changes[0].name
  arn  = local.invoke_target_arn
}

resource "aws_lambda_permission" "eventbridge" {
  count = var.create_event_rule ? 1 : 0

  statement_id  = "AllowEventBridgeRule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.function.function_name
  qualifier     = local.invoke_qualifier
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.tag_changes[0].arn
}
