# The session-token signing key. Terraform creates the secret (its name and
# where it lives), never a version: the value is added by an administrator
# (docs/deploy.md) and so never appears in code, plans or state.
resource "google_secret_manager_secret" "session_key" {
  project   = var.project_id
  secret_id = "vtchat-session-key"

  labels = {
    app         = "vtchat"
    environment = var.environment
  }

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_iam_member" "session_key_accessor" {
  for_each = local.functions

  project   = var.project_id
  secret_id = google_secret_manager_secret.session_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.function[each.key].email}"
}

resource "google_secret_manager_secret_iam_member" "session_key_admins" {
  for_each = toset(var.admin_members)

  project   = var.project_id
  secret_id = google_secret_manager_secret.session_key.secret_id
  role      = "roles/secretmanager.secretVersionAdder"
  member    = each.value
}

# The key of the stored resume-code hashes: a secret of its own, so that
# rotating the session key (which retires every running token) leaves the
# codes visitors wrote down working. Rotate it only between chats' lifetimes:
# a new value makes every running code unknown (docs/deploy.md).
resource "google_secret_manager_secret" "resume_key" {
  project   = var.project_id
  secret_id = "vtchat-resume-key"

  labels = {
    app         = "vtchat"
    environment = var.environment
  }

  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_secret_manager_secret_iam_member" "resume_key_accessor" {
  for_each = local.functions

  project   = var.project_id
  secret_id = google_secret_manager_secret.resume_key.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.function[each.key].email}"
}

resource "google_secret_manager_secret_iam_member" "resume_key_admins" {
  for_each = toset(var.admin_members)

  project   = var.project_id
  secret_id = google_secret_manager_secret.resume_key.secret_id
  role      = "roles/secretmanager.secretVersionAdder"
  member    = each.value
}
