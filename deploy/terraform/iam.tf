# The function's role: least privilege, every grant on one named resource.

data "aws_iam_policy_document" "assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  name               = "${var.prefix}-function"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "function" {
  # Splitting: SendMessageBatch is authorised as sqs:SendMessage.
  statement {
    sid       = "SendSubTasks"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.work.arn]
  }

  # The event source mapping polls with the function's role.
  # https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
  statement {
    sid       = "ReceiveSubTasks"
    effect    = "Allow"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = [aws_sqs_queue.work.arn, aws_sqs_queue.dlq.arn, aws_sqs_queue.failed_events.arn]
  }

  # Dead-lettered sub-tasks, once counted into their jobs, are parked for redrive.
  statement {
    sid       = "ParkDeadLetters"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.parked.arn]
  }

  # QUEUE_NAME is looked up only when QUEUE_URL is missing; allowed so either setting works.
  statement {
    sid       = "ResolveWorkQueue"
    effect    = "Allow"
    actions   = ["sqs:GetQueueUrl"]
    resources = [aws_sqs_queue.work.arn]
  }

  # Lambda sends failed asynchronous events to the on-failure destination with this role.
  statement {
    sid       = "SendFailedEvents"
    effect    = "Allow"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.failed_events.arn]
  }

  # The job ledger, when it lives in DynamoDB: single-item reads and conditional writes, Query for a job's
  # items and the sweep's list, and TransactWriteItems. A transaction has no action of its own: each item in
  # it is authorised as its own operation (Put as PutItem, Update as UpdateItem, Delete as DeleteItem), and a
  # ConditionCheck item as dynamodb:ConditionCheckItem.
  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
  dynamic "statement" {
    for_each = aws_dynamodb_table.processing_records
    content {
      sid    = "JobLedger"
      effect = "Allow"
      actions = [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:ConditionCheckItem",
      ]
      resources = [statement.value.arn]
    }
  }

  # The 'Job Completed' event, on the one bus configured.
  dynamic "statement" {
    for_each = data.aws_cloudwatch_event_bus.jobs
    content {
      sid       = "PublishJobCompleted"
      effect    = "Allow"
      actions   = ["events:PutEvents"]
      resources = [statement.value.arn]
    }
  }

  # dispatch = "invoke": the function invokes itself asynchronously, at the alias the rule and the mapping use.
  dynamic "statement" {
    for_each = var.dispatch == "invoke" ? [local.self_invoke_arn] : []
    content {
      sid       = "InvokeSelf"
      effect    = "Allow"
      actions   = ["lambda:InvokeFunction"]
      resources = [statement.value]
    }
  }

  # Logs only to the function's own log group (the group itself is created by Terraform).
  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function.arn}:*"]
  }
}

resource "aws_iam_role_policy" "function" {
  name   = "${var.prefix}-function"
  role   = aws_iam_role.function.id
  policy = data.aws_iam_policy_document.function.json
}
