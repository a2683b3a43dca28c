# The sample events in the Lambda console's Test tab, as shareable test events: the console reads
# them from the schema "_<function name>-schema" in the registry "lambda-testevent-schemas".

locals {
  test_events = {
    "create-tags-1-tag"  = "create-tags-1.json"
    "create-tags-5-tags" = "create-tags-5.json"
    "delete-tags"        = "delete-tags.json"
    "sqs-batch"          = "sqs-batch.json"
  }
}

resource "aws_schemas_registry" "test_events" {
  count = var.create_test_event_registry ? 1 : 0

  name        = "lambda-testevent-schemas"
  description = "Shareable test events of the Lambda console."
}

resource "aws_schemas_schema" "test_events" {
  count = var.create_test_events ? 1 : 0

  name          = "_${aws_lambda_function.function.function_name}-schema"
  registry_name = var.create_test_event_registry ? aws_schemas_registry.test_events[0].name : "lambda-testevent-schemas"
  type          = "OpenApi3"
  description   = "Sample events for ${aws_lambda_function.function.function_name}"

  content = jsonencode({
    openapi = "3.0.0"
    info = {
      title   = "Event"
      version = "1.0.0"
    }
    paths = {}
    components = {
      schemas = {
        Event = {
          type = "object"
        }
      }
      examples = {
        for name, file in local.test_events : name => {
          value = jsondecode(file("${path.module}/../../examples/events/${file}"))
        }
      }
    }
  })
}
