# Cloud Scheduler publishes to the tick topic every minute; the tick
# subscription pushes it to the tick function (pubsub.tf). A missed or failed
# tick is harmless: the next one does the same work.
resource "google_cloud_scheduler_job" "tick" {
  project     = var.project_id
  region      = var.region
  name        = "vtchat-tick"
  description = "Housekeeping tick of the chat: presence, queue repair, fall-back, overdue chats (vtchat.housekeeping)."
  schedule    = "* * * * *"
  time_zone   = "Etc/UTC"

  # Retrying a tick makes no sense: the next one comes within a minute.
  retry_config {
    retry_count = 0
  }

  pubsub_target {
    topic_name = google_pubsub_topic.topic["tick"].id
    data       = base64encode("{}")
  }

  depends_on = [google_project_service.enabled]
}
