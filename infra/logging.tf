# Logging. Cloud Run request logs carry the caller's IP address and user agent
# (docs/privacy.md), so they are stored nowhere. Everything else goes to a log
# bucket in europe-west4 with a short retention; the global _Default bucket
# receives nothing and keeps one day.
# Not covered here: the _Required bucket (admin activity audit logs, 400 days,
# no personal data of visitors) is global unless the organisation's default
# storage location is set to an EU region (docs/deploy.md).

locals {
  request_logs_filter = "LOG_ID(\"run.googleapis.com/requests\")"
}

resource "google_logging_project_bucket_config" "eu" {
  project        = var.project_id
  location       = var.region
  bucket_id      = "vtchat-eu"
  retention_days = var.log_retention_days
  description    = "All logs of the chat except Cloud Run request logs; europe-west4."
}

resource "google_logging_project_sink" "eu" {
  project                = var.project_id
  name                   = "vtchat-eu"
  destination            = "logging.googleapis.com/${google_logging_project_bucket_config.eu.id}"
  filter                 = ""
  unique_writer_identity = true
  description            = "Routes the project's logs to the EU bucket, without request logs."

  exclusions {
    name        = "cloud-run-requests"
    description = "Request logs carry IP addresses and user agents."
    filter      = local.request_logs_filter
  }
}

# The _Default sink stores nothing: every entry matches `severity >= DEFAULT`.
resource "google_logging_project_exclusion" "default_bucket" {
  project     = var.project_id
  name        = "vtchat-keep-default-bucket-empty"
  description = "All logs go to the EU bucket (sink vtchat-eu); the global _Default bucket stays empty."
  filter      = "severity >= DEFAULT"
}

resource "google_logging_project_bucket_config" "default" {
  project        = var.project_id
  location       = "global"
  bucket_id      = "_Default"
  retention_days = 1
}
