# Firebase for the staff: the Firebase project, a web app per front end,
# Identity Platform (advisors sign in with email and password, a second factor
# is mandatory) and App Check with reCAPTCHA Enterprise.
# Visitors have no account; the widget loads no Firebase SDK.

resource "google_firebase_project" "this" {
  provider = google-beta
  project  = var.project_id

  depends_on = [google_project_service.enabled]
}

resource "google_firebase_web_app" "app" {
  provider = google-beta
  for_each = toset(["widget", "console"])

  project         = var.project_id
  display_name    = "vtchat ${each.key} (${var.environment})"
  deletion_policy = "DELETE"

  depends_on = [google_firebase_project.this]
}

resource "google_identity_platform_config" "auth" {
  project = var.project_id

  # Staff accounts are created by administrators only (docs/deploy.md).
  client {
    permissions {
      disabled_user_signup   = true
      disabled_user_deletion = true
    }
  }

  sign_in {
    allow_duplicate_emails = false

    email {
      enabled           = true
      password_required = true
    }
  }

  # A second factor (authenticator app, TOTP) is mandatory for every account;
  # no SMS (costs, SIM swapping, phone numbers of staff at Google).
  mfa {
    state             = "MANDATORY"
    enabled_providers = []

    provider_configs {
      state = "MANDATORY"

      totp_provider_config {
        adjacent_intervals = 1
      }
    }
  }

  authorized_domains = [
    var.console_domain,
    "${var.project_id}.firebaseapp.com",
    "${var.project_id}.web.app",
  ]

  # Sign-in request logs would store staff IP addresses.
  monitoring {
    request_logging {
      enabled = false
    }
  }

  depends_on = [google_firebase_project.this]
}

# reCAPTCHA Enterprise: a score-based key for the console only. The widget
# loads no reCAPTCHA (it would leave Google's script and cookies on a
# visitor's device); its intake carries a proof of work (vtchat.proof).
resource "google_recaptcha_enterprise_key" "app_check" {
  project      = var.project_id
  display_name = "vtchat App Check (${var.environment})"

  web_settings {
    integration_type  = "SCORE"
    allow_all_domains = false
    allowed_domains   = distinct([var.console_domain, "${var.project_id}.web.app"])
  }

  labels = {
    app         = "vtchat"
    environment = var.environment
  }

  depends_on = [google_project_service.enabled]
}

# App Check needs a moment to see a newly created web app.
resource "time_sleep" "web_apps_known_to_app_check" {
  create_duration = "30s"
  triggers        = { for key, app in google_firebase_web_app.app : key => app.app_id }
}

resource "google_firebase_app_check_recaptcha_enterprise_config" "app" {
  provider = google-beta
  for_each = google_firebase_web_app.app

  project   = var.project_id
  app_id    = each.value.app_id
  site_key  = google_recaptcha_enterprise_key.app_check.name
  token_ttl = "3600s"

  depends_on = [time_sleep.web_apps_known_to_app_check]
}

# App Check enforcement on what the console reaches directly: Firestore
# listeners and Firebase Auth.
resource "google_firebase_app_check_service_config" "enforced" {
  provider = google-beta
  for_each = toset(["firestore.googleapis.com", "identitytoolkit.googleapis.com"])

  project          = var.project_id
  service_id       = each.value
  enforcement_mode = var.app_check_enforced ? "ENFORCED" : "UNENFORCED"

  depends_on = [google_firebase_app_check_recaptcha_enterprise_config.app]
}
