terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.82 added aws_lambda_function_recursion_config.
      version = ">= 5.82.0, < 7.0.0"
    }
  }
}

provider "aws" {
  # Region and credentials come from the usual places: AWS_REGION / AWS_PROFILE, ~/.aws, SSO.
  default_tags {
    tags = var.tags
  }
}
