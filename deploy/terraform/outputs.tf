output "function_name" {
  description = "The function's name."
  value       = aws_lambda_function.function.function_name
}

output "function_arn" {
  description = "The function's ARN."
  value       = aws_lambda_function.function.arn
}

output "queue_url" {
  description = "The work queue, where sub-tasks wait."
  value       = aws_sqs_queue.work.url
}

output "dlq_url" {
  description = "The dead-letter queue, where sub-tasks land after max_receive_count failed receives."
  value       = aws_sqs_queue.dlq.url
}

output "parked_queue_url" {
  description = "Dead-lettered sub-tasks, counted into their jobs and parked: what 'load-splitter dlq list|redrive' read."
  value       = aws_sqs_queue.parked.url
}

output "records_table" {
  description = "The processing and job records ('load-splitter jobs list --records-table'); empty unless idempotency = dynamodb."
  value       = var.idempotency == "dynamodb" ? aws_dynamodb_table.processing_records[0].name : ""
}

output "failed_events_queue_url" {
  description = "Where EventBridge events land when every asynchronous attempt failed."
  value       = aws_sqs_queue.failed_events.url
}

output "idempotency_ttl" {
  description = "IDEMPOTENCY_TTL as the function gets it: give 'load-splitter jobs' and 'dlq list' the same in their environment."
  value       = local.function_environment.IDEMPOTENCY_TTL
}

output "job_deadline" {
  description = "JOB_DEADLINE as the function gets it: likewise for the CLI."
  value       = local.function_environment.JOB_DEADLINE
}

output "sweep_rule" {
  description = "The schedule that sweeps the job ledger every sweep_schedule."
  value       = aws_cloudwatch_event_rule.sweep.name
}

output "invoke_command" {
  description = "Run from the repository root: invokes the function with the 5-tag sample event."
  value = join(" ", compact([
    "aws lambda invoke --function-name ${aws_lambda_function.function.function_name}",
    var.snap_start ? "--qualifier ${aws_lambda_alias.live[0].name}" : "",
    "--payload fileb://examples/events/create-tags-5.json response.json && cat response.json",
  ]))
}
