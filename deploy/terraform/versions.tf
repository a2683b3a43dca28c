terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.8.0 is the first release whose aws_sqs_queue accepts a max_message_size above 262,144
      # bytes, up to SQS's 1,048,576 ("resource/aws_sqs_queue: Increase upper limit of
      # `max_message_size` from 256 KiB to 1024 KiB (#43710)", CHANGELOG.md, 6.8.0 (August 7, 2025),
      # https://github.com/hashicorp/terraform-provider-aws/blob/main/CHANGELOG.md); no 5.x release
      # has it (5.100.0 refuses the queues below). 6.0.0's breaking changes touch none of the resources here.
      version = ">= 6.8.0, < 7.0.0"
    }
  }
}

provider "aws" {
  # Region and credentials come from the usual places: AWS_REGION / AWS_PROFILE, ~/.aws, SSO.
  default_tags {
    tags = var.tags
  }
}
