# Names and tags --------------------------------------------------------------------------------

variable "prefix" {
  description = "Prefix for every resource name, so several copies can live in one account."
  type        = string
  default     = "load-splitter"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,39}$", var.prefix))
    error_message = "prefix must start with a lower-case letter and hold at most 40 lower-case letters, digits and hyphens."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default = {
    project = "load-splitter"
  }
}

# The function ----------------------------------------------------------------------------------

variable "function_jar_path" {
  description = "The deployable jar. Empty means the Maven build output, function/target/load-splitter-function.jar."
  type        = string
  default     = ""
}

variable "handler" {
  description = "The function's handler. The generic handler finds the task type through TASK_TYPE or the jar's META-INF/services; a jar made from the archetype uses it too."
  type        = string
  default     = "dev.loadsplitter.lambda.LoadSplitterHandler::handleRequest"
}

variable "task_type" {
  description = "TASK_TYPE: class name of the function's TaskType. Empty means the one the jar lists in META-INF/services/dev.loadsplitter.engine.task.TaskType."
  type        = string
  default     = ""
}

variable "architecture" {
  description = "Instruction set of the function: arm64 (Graviton, cheaper) or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Function memory in MB (128 to 10240); CPU grows with it."
  type        = number
  default     = 1024

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be from 128 to 10240 MB."
  }
}

variable "timeout_seconds" {
  description = "Function timeout in seconds (1 to 900). The work queue's visibility timeout is derived from it."
  type        = number
  default     = 60

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900
    error_message = "timeout_seconds must be from 1 to 900."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrency of the function: the most invocations it runs at once, kept for it alone; -1 leaves it unreserved. Required with dispatch = \"invoke\", where each sub-task is an invocation of its own and an unbounded fan-out can take the account's whole concurrency (1,000 per Region by default, less in a new account); AWS keeps 100 of the account's concurrency unreserved, so at most the account's concurrency minus 100. When set, keep maximum_concurrency below it, with room for the EventBridge invocations, or throttled batches return after the visibility timeout and count toward max_receive_count."
  type        = number
  default     = -1

  validation {
    condition     = var.reserved_concurrency == -1 || var.reserved_concurrency >= 2
    error_message = "reserved_concurrency must be -1 (unreserved) or at least 2."
  }
}

variable "snap_start" {
  description = "Publish a version with SnapStart and point the rule and the mapping at the 'live' alias."
  type        = bool
  default     = false
}

# The function's own settings (each sets one environment variable) ----------------------------

variable "processing_delay" {
  description = "PROCESSING_DELAY: simulated work per tag (5000, 500ms, 5s, 2m or PT5S)."
  type        = string
  default     = "5s"
}

variable "max_items_per_task" {
  description = "MAX_ITEMS_PER_TASK: a task of more than K items is split into sub-tasks of at most K."
  type        = number
  default     = 1

  validation {
    condition     = var.max_items_per_task >= 1 && var.max_items_per_task <= 1000000
    error_message = "max_items_per_task must be from 1 to 1000000."
  }
}

variable "max_message_bytes" {
  description = "MAX_MESSAGE_BYTES: largest sub-task message, body and attributes (1024 to 1048576, the SQS limit)."
  type        = number
  default     = 1048576

  validation {
    condition     = var.max_message_bytes >= 1024 && var.max_message_bytes <= 1048576
    error_message = "max_message_bytes must be from 1024 to 1048576."
  }
}

variable "max_split_depth" {
  description = "MAX_SPLIT_DEPTH: how many times a task may be split on its way down (1 to 15)."
  type        = number
  default     = 8

  validation {
    condition     = var.max_split_depth >= 1 && var.max_split_depth <= 15
    error_message = "max_split_depth must be from 1 to 15: Lambda stops recursive loops at 16 hops."
  }
}

variable "fan_out_limit" {
  description = "FAN_OUT_LIMIT: the most sub-tasks one split makes; larger tasks are split in levels."
  type        = number
  default     = 1000

  validation {
    condition     = var.fan_out_limit >= 2 && var.fan_out_limit <= 1000000
    error_message = "fan_out_limit must be from 2 to 1000000."
  }
}

variable "send_concurrency" {
  description = "SEND_CONCURRENCY: SendMessageBatch calls in flight at once while splitting."
  type        = number
  default     = 8

  validation {
    condition     = var.send_concurrency >= 1 && var.send_concurrency <= 1000
    error_message = "send_concurrency must be from 1 to 1000."
  }
}

variable "send_max_attempts" {
  description = "SEND_MAX_ATTEMPTS: attempts per sub-task before the invocation fails."
  type        = number
  default     = 5

  validation {
    condition     = var.send_max_attempts >= 1 && var.send_max_attempts <= 20
    error_message = "send_max_attempts must be from 1 to 20."
  }
}

variable "record_concurrency" {
  description = "RECORD_CONCURRENCY: records of one SQS batch processed at once."
  type        = number
  default     = 10

  validation {
    condition     = var.record_concurrency >= 1 && var.record_concurrency <= 10000
    error_message = "record_concurrency must be from 1 to 10000."
  }
}

variable "idempotency" {
  description = "IDEMPOTENCY: processing and job records: dynamodb (a table shared by all containers, created here; job records and completion events need it), memory (per container) or off."
  type        = string
  default     = "dynamodb"

  validation {
    condition     = contains(["memory", "dynamodb", "off"], var.idempotency)
    error_message = "idempotency must be memory, dynamodb or off."
  }
}

variable "idempotency_ttl_seconds" {
  description = "IDEMPOTENCY_TTL, in seconds: how long the ledger keeps a record after its last change. null (the default) derives it from the queues' retention: the longest path a message can take, max(work, DLQ) + parked + work retention, plus a day (2,851,200 s, 33 days, with the default retention). A value of your own must be at least that."
  type        = number
  default     = null

  validation {
    condition     = var.idempotency_ttl_seconds == null ? true : var.idempotency_ttl_seconds >= 1 && floor(var.idempotency_ttl_seconds) == var.idempotency_ttl_seconds
    error_message = "idempotency_ttl_seconds must be a whole number of seconds above zero, or null to derive it from the queues' retention."
  }
}

variable "job_deadline_seconds" {
  description = "JOB_DEADLINE, in seconds: how long a job may stay open before the sweep closes it as TIMED_OUT, its open items skipped. null (the default) derives it: the work queue's retention plus a day (432,000 s, 5 days, by default). Below the ledger's TTL."
  type        = number
  default     = null

  validation {
    condition     = var.job_deadline_seconds == null ? true : var.job_deadline_seconds >= 1 && floor(var.job_deadline_seconds) == var.job_deadline_seconds
    error_message = "job_deadline_seconds must be a whole number of seconds above zero, or null to derive it from the work queue's retention."
  }
}

variable "tolerated_failure_count" {
  description = "TOLERATED_FAILURE_COUNT: the most dead-lettered items a job tolerates; when more fail, it stops (no work starts, items not started are skipped) and closes FAILED with reason TOLERANCE_EXCEEDED. null (the default) sets nothing: no limit."
  type        = number
  default     = null

  validation {
    condition     = var.tolerated_failure_count == null ? true : var.tolerated_failure_count >= 0 && var.tolerated_failure_count <= 2147483647 && floor(var.tolerated_failure_count) == var.tolerated_failure_count
    error_message = "tolerated_failure_count must be a whole number from 0 to 2147483647, or null for no limit."
  }
}

variable "tolerated_failure_percentage" {
  description = "TOLERATED_FAILURE_PERCENTAGE: the most dead-lettered items a job tolerates, as a percentage of its items (0 to 100, such as 5 or 2.5); with tolerated_failure_count too, the smaller bound counts. null (the default) sets nothing: no limit."
  type        = number
  default     = null

  validation {
    condition     = var.tolerated_failure_percentage == null ? true : var.tolerated_failure_percentage >= 0 && var.tolerated_failure_percentage <= 100
    error_message = "tolerated_failure_percentage must be from 0 to 100, such as 5 or 2.5, or null for no limit."
  }
}

variable "sweep_schedule" {
  description = "How often EventBridge invokes the function to sweep the job ledger (closes and completion events a crash left undone, jobs past JOB_DEADLINE): a rate(...) or cron(...) expression. Each tick is one invocation and one Query of the ledger."
  type        = string
  default     = "rate(15 minutes)"

  validation {
    condition     = can(regex("^(rate|cron)[(].+[)]$", var.sweep_schedule))
    error_message = "sweep_schedule must be an EventBridge schedule expression, rate(...) or cron(...), such as rate(15 minutes) or cron(0/15 * * * ? *)."
  }
}

# Queues and the event source mapping -----------------------------------------------------------

variable "work_queue_retention_seconds" {
  description = "How long the work queue keeps a sub-task (60 to 1209600; default 345600, 4 days, SQS's default). The ledger's TTL and the job deadline are derived from it."
  type        = number
  default     = 345600

  validation {
    condition     = var.work_queue_retention_seconds >= 60 && var.work_queue_retention_seconds <= 1209600 && floor(var.work_queue_retention_seconds) == var.work_queue_retention_seconds
    error_message = "work_queue_retention_seconds must be a whole number from 60 to 1209600 (14 days), the range SQS accepts."
  }
}

variable "dlq_retention_seconds" {
  description = "How long the dead-letter queue keeps a message, counted from its first send to the work queue (a standard queue keeps a moved message's enqueue timestamp): 60 to 1209600, at least work_queue_retention_seconds; default 1209600, 14 days. The ledger's TTL is derived from it."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dlq_retention_seconds >= 60 && var.dlq_retention_seconds <= 1209600 && floor(var.dlq_retention_seconds) == var.dlq_retention_seconds
    error_message = "dlq_retention_seconds must be a whole number from 60 to 1209600 (14 days), the range SQS accepts."
  }
}

variable "parked_queue_retention_seconds" {
  description = "How long a dead-lettered sub-task waits in the parked queue for 'load-splitter dlq redrive' (60 to 1209600; default 1209600, 14 days). The ledger's TTL is derived from it."
  type        = number
  default     = 1209600

  validation {
    condition     = var.parked_queue_retention_seconds >= 60 && var.parked_queue_retention_seconds <= 1209600 && floor(var.parked_queue_retention_seconds) == var.parked_queue_retention_seconds
    error_message = "parked_queue_retention_seconds must be a whole number from 60 to 1209600 (14 days), the range SQS accepts."
  }
}

variable "max_receive_count" {
  description = "Receives before SQS moves a sub-task to the dead-letter queue. At least 5, so a throttle or a timeout does not dead-letter a good message."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be from 1 to 1000."
  }
}

variable "batch_size" {
  description = "Records per invocation from the queue (1 to 10000). 1, as the sample, gives N+1 invocations for N tags."
  type        = number
  default     = 1

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be from 1 to 10000."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "How long the mapping gathers records before invoking (0 to 300); at least 1 when batch_size is above 10."
  type        = number
  default     = 0

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300
    error_message = "maximum_batching_window_in_seconds must be from 0 to 300."
  }
}

# A validation of a variable that may be null guards with "x == null ? true : …", not "x == null || …":
# Terraform 1.11 evaluates both sides of || and fails on a null operand ("argument must not be null"),
# so the || form refuses the very null it means to allow. The conditional evaluates only the branch it takes.
variable "maximum_concurrency" {
  description = "The mapping's maximum concurrent invocations (2 to 1000) in standard mode. Keep it at or below reserved_concurrency minus room for direct invocations. Set it to null to use provisioned mode (minimum_pollers, maximum_pollers): AWS takes one or the other."
  type        = number
  default     = 100

  validation {
    condition     = var.maximum_concurrency == null ? true : var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000
    error_message = "maximum_concurrency must be from 2 to 1000, the range Lambda accepts, or null for provisioned mode."
  }
}

variable "dispatch" {
  description = "How the function dispatches sub-tasks: sqs (the work queue and its event source mapping) or invoke (asynchronous invocations of itself, lineage in the payload; failed ones go to the failed-events queue after Lambda's retries)."
  type        = string
  default     = "sqs"

  validation {
    condition     = contains(["sqs", "invoke"], var.dispatch)
    error_message = "dispatch must be sqs or invoke."
  }
}

# Provisioned mode: dedicated pollers, about 10 concurrent invocations each, scaling 3 times faster than standard
# mode (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html, read 2026-11-26).
variable "minimum_pollers" {
  description = "Provisioned mode: the mapping's minimum event pollers (2 to 200), or null for standard mode. Needs maximum_concurrency = null."
  type        = number
  default     = null

  validation {
    condition     = var.minimum_pollers == null ? true : var.minimum_pollers >= 2 && var.minimum_pollers <= 200
    error_message = "minimum_pollers must be from 2 to 200 for an SQS event source mapping, or null."
  }
}

variable "maximum_pollers" {
  description = "Provisioned mode: the mapping's maximum event pollers (2 to 2000, at least minimum_pollers), or null for standard mode."
  type        = number
  default     = null

  validation {
    condition     = var.maximum_pollers == null ? true : var.maximum_pollers >= 2 && var.maximum_pollers <= 2000
    error_message = "maximum_pollers must be from 2 to 2000, or null."
  }
}

# Asynchronous invocations from EventBridge -----------------------------------------------------

variable "async_max_retry_attempts" {
  description = "Retries of a failed asynchronous invocation (0 to 2) before its event goes to the failed-events queue."
  type        = number
  default     = 2

  validation {
    condition     = var.async_max_retry_attempts >= 0 && var.async_max_retry_attempts <= 2
    error_message = "async_max_retry_attempts must be from 0 to 2."
  }
}

variable "async_max_event_age_seconds" {
  description = "How long Lambda keeps an asynchronous event it could not yet run (60 to 21600)."
  type        = number
  default     = 3600

  validation {
    condition     = var.async_max_event_age_seconds >= 60 && var.async_max_event_age_seconds <= 21600
    error_message = "async_max_event_age_seconds must be from 60 to 21600."
  }
}

# Logs and test events --------------------------------------------------------------------------

variable "log_retention_days" {
  description = "Days CloudWatch keeps the function's logs."
  type        = number
  default     = 14

  validation {
    condition = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts, such as 7, 14, 30 or 365."
  }
}

variable "event_bus_name" {
  description = "EVENT_BUS_NAME: the EventBridge bus each job's 'Job Completed' event goes to; default the account's default bus, empty for no events."
  type        = string
  default     = "default"
}

variable "job_completed_target_arn" {
  description = "A target for the example rule on 'Job Completed' events (a queue, function or topic that accepts events from it); empty for none."
  type        = string
  default     = ""
}

variable "create_event_rule" {
  description = "Create the EventBridge rule that sends EC2 CreateTags/DeleteTags calls (CloudTrail) to the function: the sample's trigger. Turn it off for a task type of your own."
  type        = bool
  default     = true
}

variable "create_test_events" {
  description = "Add the sample events to the Lambda console's Test tab as shareable test events."
  type        = bool
  default     = true
}

variable "create_test_event_registry" {
  description = "Also create the lambda-testevent-schemas registry. AWS creates it the first time anyone saves a shareable test event in the account and region; set true only where it does not exist yet."
  type        = bool
  default     = false
}
