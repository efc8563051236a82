# Service accounts and roles. Each function runs as its own service account
# holding only what it needs:
# - roles/datastore.user: the functions that read or write Firestore (project
#   level is the narrowest scope Firestore IAM offers, with a condition on
#   this database); openapi and the account functions never do and get none
#   (tests/unit/test_infra_contract.py follows main.py's calls to keep this true);
# - roles/pubsub.publisher on fallback-offers: only intake and tick publish
#   offers (functions.tf publishes_offers);
# - roles/secretmanager.secretAccessor on the session key (secrets.tf);
# - roles/firebaseauth.viewer for the functions staff call: a staff ID token is
#   checked against its account (disabled, or sessions revoked by
#   `vtchat.admin revoke`), a GetAccountInfo call (firebaseauth.users.get).
# - roles/firebaseauth.admin for invite and disable only: a supervisor creates
#   and disables advisors of their own organisation (vtchat.accounts checks the
#   organisation; the role itself cannot be narrowed to one).
# Verifying the tokens' signatures needs no role (public keys).

locals {
  firestore_database_condition = "resource.name == \"projects/${var.project_id}/databases/(default)\""

  # The entry points that take a staff ID token (vtchat.http staff_identity,
  # staff_call, caller); tests/unit/test_staff_guard.py keeps it equal to main.py.
  staff_functions = toset([
    "messages", "heartbeat", "availability", "accept", "end", "transfer", "urgent", "register",
    "texts", "report", "signal",
    "content", "savecontent", "team", "invite", "disable",
    "watch", "unwatch", "note", "audit",
  ])

  # A supervisor's own team (vtchat.accounts): creating accounts, setting their
  # claims, disabling them and revoking their sessions need Firebase Auth admin.
  # Listing (team) reads only, which the viewer role above allows.
  account_admin_functions = toset(["invite", "disable"])

  # Entry points that never touch Firestore: they answer from the code and the
  # files deployed with it (texts, the directory, the OpenAPI document).
  # (texts and regions read the organisations' own lists: vtchat.regioncontent;
  # disable writes staffRevocations/{uid} for the rules: vtchat.accounts.)
  firestore_free_functions = toset(["openapi", "team", "invite"])
  firestore_functions      = toset([for name in keys(local.functions) : name if !contains(local.firestore_free_functions, name)])

  # The buckets a function build reads: the source Terraform uploads, and the
  # gcf-v2-sources bucket Cloud Functions copies it into (created by Cloud
  # Functions on the first deployment, so granted by name, not on the bucket).
  # Not Terraform's state, not the backups, nothing else.
  build_source_buckets = {
    upload = google_storage_bucket.functions_source.name
    copy   = "gcf-v2-sources-${data.google_project.this.number}-${var.region}"
  }
}

resource "google_service_account" "function" {
  for_each = local.functions

  project      = var.project_id
  account_id   = "vtchat-fn-${each.key}"
  display_name = "vtchat function ${each.key}"
  description  = "Runs the ${each.key} function of the chat; only the roles that entry point needs."
}

resource "google_project_iam_member" "function_firestore" {
  for_each = local.firestore_functions

  project = var.project_id
  role    = "roles/datastore.user"
  member  = "serviceAccount:${google_service_account.function[each.key].email}"

  condition {
    title      = "vtchat-default-database"
    expression = local.firestore_database_condition
  }
}

resource "google_project_iam_member" "function_auth_viewer" {
  for_each = local.staff_functions

  project = var.project_id
  role    = "roles/firebaseauth.viewer"
  member  = "serviceAccount:${google_service_account.function[each.key].email}"
}

resource "google_project_iam_member" "function_auth_admin" {
  for_each = local.account_admin_functions

  project = var.project_id
  role    = "roles/firebaseauth.admin"
  member  = "serviceAccount:${google_service_account.function[each.key].email}"
}

resource "google_pubsub_topic_iam_member" "offer_publisher" {
  for_each = toset([for name, f in local.functions : name if f.publishes_offers])

  project = var.project_id
  topic   = google_pubsub_topic.topic["fallback-offers"].name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${google_service_account.function[each.key].email}"
}

# Invoker permissions.
# Public functions: Firebase Hosting calls them without credentials.
resource "google_cloud_run_v2_service_iam_member" "public_invoker" {
  for_each = local.public_functions

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.key].name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Push functions: only the push service account, with an OIDC token.
resource "google_service_account" "pubsub_push" {
  project      = var.project_id
  account_id   = "vtchat-pubsub-push"
  display_name = "vtchat Pub/Sub push"
  description  = "Identity of the Pub/Sub push subscriptions (OIDC token); may invoke only the offer and tick functions."
}

resource "google_cloud_run_v2_service_iam_member" "push_invoker" {
  for_each = local.push_functions

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.fn[each.key].name
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.pubsub_push.email}"
}

# Pub/Sub mints the OIDC tokens of the push service account.
resource "google_service_account_iam_member" "pubsub_token_creator" {
  service_account_id = google_service_account.pubsub_push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_service_agent
}

# Cloud Build builds the functions as a dedicated account (not the default
# compute account, which holds Editor in many projects).
resource "google_service_account" "build" {
  project      = var.project_id
  account_id   = "vtchat-build"
  display_name = "vtchat function builds"
  description  = "Builds the function images from the uploaded source."
}

resource "google_project_iam_member" "build" {
  for_each = toset([
    "roles/logging.logWriter",
    "roles/artifactregistry.writer",
  ])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.build.email}"
}

# Cloud Storage for the builds, limited by condition to the two source
# buckets (bucket and objects): read the upload; read and write the copy, as
# Google documents the build account's Storage Object Admin for
# (https://cloud.google.com/run/docs/configuring/services/build-service-account).
resource "google_project_iam_member" "build_sources" {
  for_each = {
    upload = "roles/storage.objectViewer"
    copy   = "roles/storage.objectAdmin"
  }

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:${google_service_account.build.email}"

  condition {
    title      = "vtchat-build-${each.key}"
    expression = "resource.name == \"projects/_/buckets/${local.build_source_buckets[each.key]}\" || resource.name.startsWith(\"projects/_/buckets/${local.build_source_buckets[each.key]}/objects/\")"
  }
}

# Named administrators: Firestore access (seeding, `vtchat.admin grant`),
# staff accounts. Nobody else gets data access.
resource "google_project_iam_member" "admin" {
  for_each = {
    for pair in setproduct(var.admin_members, ["roles/datastore.user", "roles/firebaseauth.admin"]) :
    "${pair[0]} ${pair[1]}" => { member = pair[0], role = pair[1] }
  }

  project = var.project_id
  role    = each.value.role
  member  = each.value.member
}
