# The Cloud Functions (2nd gen): one per entry point of functions/main.py, all
# built from the same source. tests/unit/test_infra_contract.py fails when an
# entry point is added to main.py and not here, or the other way round.
#
# Invocation:
# - public  = true: called by browsers through the Firebase Hosting rewrites
#   /api/<name> (hosting.tf). Hosting forwards requests without Google
#   credentials, so these Cloud Run services grant roles/run.invoker to
#   allUsers; each function authenticates its caller itself (the session
#   token of the visitor, the Firebase ID token and the console's App Check
#   token of staff, see vtchat/http.py).
# - public  = false: invoked only by Pub/Sub push with an OIDC token of the
#   push service account (pubsub.tf); nobody else holds run.invoker.
#
# timeout: the push functions' timeouts equal the ack deadlines of their
# subscriptions (vtchat.topics), so Pub/Sub never redelivers a push that is
# still running. The stream function stays open up to stream_max_minutes.
# concurrency: requests one instance serves at once (needs cpu >= 1). An event
# stream is an idle connection most of the time, hence many per instance.
# The tick runs alone (max 1 instance, concurrency 1): ticks never overlap.

locals {
  stream_timeout_seconds = ceil(var.stream_max_minutes * 60) + 60

  # infra/functions.json is the one table of how each function is served; the
  # local stack (emulators/serve_functions.py) reads the same file, so a limit
  # that bites here bites in `make demo` and `make test` too.
  functions = {
    for name, f in jsondecode(file("${path.module}/functions.json")).functions : name => merge(f, {
      timeout = f.timeout_seconds == null ? local.stream_timeout_seconds : f.timeout_seconds
    })
  }

  # The event stream's own address, handed to the widget with its session
  # token: Cloud Run's deterministic URL of the stream service, or a domain
  # mapped straight to it (var.stream_url). Never a Hosting rewrite.
  stream_url = coalesce(var.stream_url, "https://stream-${data.google_project.this.number}.${var.region}.run.app")

  public_functions = toset([for name, f in local.functions : name if f.public])
  push_functions   = toset([for name, f in local.functions : name if !f.public])

  # Where Pub/Sub pushes, and the audience of its OIDC tokens: each push
  # function's deterministic Cloud Run URL, known before the function exists,
  # so the functions can be told the audience they must check (vtchat.pushauth).
  push_urls = {
    for name in local.push_functions : name => "https://${name}-${data.google_project.this.number}.${var.region}.run.app"
  }

  # Environment of every function (functions/vtchat/settings.py).
  function_environment = merge(
    {
      GOOGLE_CLOUD_PROJECT      = var.project_id
      VTCHAT_APP_CHECK          = var.app_check_enforced ? var.functions_app_check : "off"
      VTCHAT_STREAM_MAX_MINUTES = tostring(var.stream_max_minutes)
      VTCHAT_STREAM_URL         = local.stream_url
      # The topics' storage policy is enforced in transit: publish in-region.
      VTCHAT_PUBSUB_ENDPOINT = "${var.region}-pubsub.googleapis.com:443"
      # Pushes are verified in code too (OIDC token of the push account, for
      # the function's own URL); staff must have signed in with a second
      # factor. Both are refused off in production by settings.py.
      VTCHAT_PUSH_AUTH            = "on"
      VTCHAT_PUSH_SERVICE_ACCOUNT = google_service_account.pubsub_push.email
      VTCHAT_PUSH_AUDIENCES       = jsonencode(local.push_urls)
      VTCHAT_STAFF_SECOND_FACTOR  = "on"
    },
    { for name, value in var.limits : "VTCHAT_${upper(name)}" => tostring(value) if value != null },
  )
}

# The source: functions/ zipped; the object name carries the content hash, so
# a code change makes a new object and a new revision of every function.
data "archive_file" "functions_source" {
  type        = "zip"
  source_dir  = "${local.repo_root}/functions"
  output_path = "${path.module}/.build/functions-source.zip"
  excludes    = ["**/__pycache__/**", "vtchat.egg-info/**", "**/*.pyc"]
}

resource "google_storage_bucket" "functions_source" {
  #checkov:skip=CKV_GCP_62:Access logs of a bucket that holds only the public source code add nothing; Data Access audit logs cover reads.
  name                        = "${var.project_id}-functions-source"
  project                     = var.project_id
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      num_newer_versions = 10
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.enabled]
}

resource "google_storage_bucket_object" "functions_source" {
  name   = "functions-${data.archive_file.functions_source.output_md5}.zip"
  bucket = google_storage_bucket.functions_source.name
  source = data.archive_file.functions_source.output_path
}

resource "google_cloudfunctions2_function" "fn" {
  #checkov:skip=CKV_GCP_124:Public functions take requests from Firebase Hosting rewrites, which arrive from the internet (ALLOW_ALL is required); offer and tick are ALLOW_INTERNAL_ONLY (checkov cannot evaluate the per-function expression).
  for_each = local.functions

  project     = var.project_id
  name        = each.key
  location    = var.region
  description = "vtchat entry point ${each.key} (functions/main.py)"

  labels = {
    app         = "vtchat"
    environment = var.environment
  }

  build_config {
    runtime         = "python312"
    entry_point     = each.key
    service_account = google_service_account.build.id

    source {
      storage_source {
        bucket = google_storage_bucket.functions_source.name
        object = google_storage_bucket_object.functions_source.name
      }
    }
  }

  service_config {
    available_memory                 = each.value.memory
    available_cpu                    = "1"
    timeout_seconds                  = each.value.timeout
    max_instance_request_concurrency = each.value.concurrency
    min_instance_count               = lookup(var.min_instances, each.key, 0)
    max_instance_count               = lookup(var.max_instances, each.key, each.value.max_instances)
    # Hosting reaches the public functions over the internet; Pub/Sub push
    # from this project counts as internal traffic.
    ingress_settings               = each.value.public ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.function[each.key].email
    # functions-framework's gunicorn runs 4 threads per CPU unless THREADS
    # says otherwise, and every open request (an event stream for minutes)
    # holds one: without this an instance of concurrency 500 serves 4.
    environment_variables = merge(local.function_environment, {
      THREADS = tostring(each.value.concurrency)
      WORKERS = "1"
    })

    secret_environment_variables {
      key        = "VTCHAT_SESSION_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.session_key.secret_id
      version    = var.session_key_secret_version
    }

    # Only during a rotation: a second key that verifies, never signs (vtchat.tokens).
    dynamic "secret_environment_variables" {
      for_each = var.session_key_previous_secret_version == null ? [] : [var.session_key_previous_secret_version]
      content {
        key        = "VTCHAT_SESSION_KEY_PREVIOUS"
        project_id = var.project_id
        secret     = google_secret_manager_secret.session_key.secret_id
        version    = secret_environment_variables.value
      }
    }

    secret_environment_variables {
      key        = "VTCHAT_RESUME_KEY"
      project_id = var.project_id
      secret     = google_secret_manager_secret.resume_key.secret_id
      version    = var.resume_key_secret_version
    }
  }

  lifecycle {
    precondition {
      condition     = var.session_key_previous_secret_version != var.session_key_secret_version
      error_message = "session_key_previous_secret_version must be another version than session_key_secret_version."
    }
  }

  depends_on = [
    google_project_service.enabled,
    google_secret_manager_secret_iam_member.session_key_accessor,
    google_secret_manager_secret_iam_member.resume_key_accessor,
    google_project_iam_member.build,
    google_project_iam_member.build_sources,
  ]
}
