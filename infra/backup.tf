# Backups of what the chat keeps: `chatRecords` (the anonymous records behind a
# year of figures), `handovers` (the settlement between organisations) and
# `feedback` (the word afterwards, counters per organisation and week). Not
# `orgContent`: its versions name the staff who saved them, and an export
# keeps no staff names (docs/privacy.md); a lost list is typed in again.
#
# A managed export of just those collection groups, daily, to a bucket of its
# own in the region: not a Firestore backup schedule. A backup schedule copies
# the whole database, so it would also hold the conversations (`messages`,
# `sessions`, ...) until the backup expires, while docs/privacy.md promises
# they are gone once their TTL deletes them; the same reason firestore.tf has
# no point-in-time recovery. The export holds nothing a conversation said.
# Restore: docs/deploy.md, "Backups" (`gcloud firestore import`).
#
# Cloud Scheduler calls the Firestore admin API (exportDocuments) as a service
# account of its own, which may start exports and nothing else; the export
# itself writes through Firestore's service agent. An output prefix of just
# the bucket makes Firestore name each export after its start time.
# https://cloud.google.com/firestore/docs/reference/rest/v1/projects.databases/exportDocuments

locals {
  backup_collections = ["chatRecords", "handovers", "feedback"]
}

resource "google_storage_bucket" "backups" {
  #checkov:skip=CKV_GCP_78:Object Versioning cannot be combined with a retention policy; the retention policy is the stronger protection (no export can be deleted or replaced before it expires).
  #checkov:skip=CKV_GCP_62:Access logs would add a copy of who read the backups next to the Data Access audit logs, which already record it.
  name                        = "${var.project_id}-backups"
  project                     = var.project_id
  location                    = var.region
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  # Nobody (no administrator, no stolen key) deletes or overwrites an export
  # before it is `backup_retention_days` old. Not locked: a locked policy can
  # never be shortened, and the retention is a privacy decision that may change.
  retention_policy {
    retention_period = var.backup_retention_days * 86400
  }

  # A deleted export is gone, not kept another week as a soft-deleted copy:
  # the retention above is the whole retention (docs/privacy.md).
  soft_delete_policy {
    retention_duration_seconds = 0
  }

  # ...and the lifecycle deletes it a day later: backups do not pile up.
  lifecycle_rule {
    condition {
      age = var.backup_retention_days + 1
    }
    action {
      type = "Delete"
    }
  }

  labels = {
    app         = "vtchat"
    environment = var.environment
  }

  depends_on = [google_project_service.enabled]
}

resource "google_service_account" "backup" {
  project      = var.project_id
  account_id   = "vtchat-backup"
  display_name = "vtchat backups"
  description  = "Starts the daily export of chatRecords, handovers and feedback (Cloud Scheduler); can start exports and imports, read no documents."
}

# Export and import of the database; granted on the project, the lowest level
# this role takes. It carries no read of documents.
resource "google_project_iam_member" "backup_export" {
  project = var.project_id
  role    = "roles/datastore.importExportAdmin"
  member  = "serviceAccount:${google_service_account.backup.email}"
}

# Starting an export checks the bucket as the caller.
resource "google_storage_bucket_iam_member" "backup_bucket_reader" {
  bucket = google_storage_bucket.backups.name
  role   = "roles/storage.legacyBucketReader"
  member = "serviceAccount:${google_service_account.backup.email}"
}

# Firestore's service agent writes the export (and reads it on a restore).
resource "google_project_service_identity" "firestore" {
  provider = google-beta
  project  = var.project_id
  service  = "firestore.googleapis.com"
}

resource "google_storage_bucket_iam_member" "firestore_agent" {
  for_each = toset(["roles/storage.legacyBucketWriter", "roles/storage.legacyObjectReader"])

  bucket = google_storage_bucket.backups.name
  role   = each.value
  member = "serviceAccount:${google_project_service_identity.firestore.email}"
}

resource "google_cloud_scheduler_job" "backup" {
  project     = var.project_id
  region      = var.region
  name        = "vtchat-backup"
  description = "Daily managed export of chatRecords, handovers and feedback to the backup bucket (infra/backup.tf)."
  schedule    = var.backup_schedule
  time_zone   = "Europe/Amsterdam"

  # The call only starts the export; a failed start is worth a few retries.
  attempt_deadline = "60s"
  retry_config {
    retry_count          = 3
    min_backoff_duration = "300s"
  }

  http_target {
    http_method = "POST"
    uri         = "https://firestore.googleapis.com/v1/projects/${var.project_id}/databases/(default):exportDocuments"
    headers     = { "Content-Type" = "application/json" }
    body = base64encode(jsonencode({
      collectionIds   = local.backup_collections
      outputUriPrefix = "gs://${google_storage_bucket.backups.name}"
    }))

    oauth_token {
      service_account_email = google_service_account.backup.email
      scope                 = "https://www.googleapis.com/auth/datastore"
    }
  }

  depends_on = [
    google_project_service.enabled,
    google_project_iam_member.backup_export,
    google_storage_bucket_iam_member.firestore_agent,
  ]
}
