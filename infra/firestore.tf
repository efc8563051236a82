# Firestore: the database, its composite indexes (from firestore.indexes.json),
# the TTL policies that delete what the code marks with `expireAt`, and the
# security rules (from firestore.rules).
#
# Location: europe-west4 (Eemshaven, the Netherlands), a single region.
# docs/privacy.md promises that the conversations stay in the Netherlands;
# eur3 would spread them over Belgium and the Netherlands. The cost is
# availability: a regional database promises 99.99 % instead of 99.999 %, and
# a regional outage stops the chat (the functions are in the same region, so
# eur3 would not keep the chat up in that case anyway). Data is not lost: a
# regional instance is replicated over three zones.

locals {
  repo_root = "${path.module}/.."

  # The single source of the composite indexes and field overrides: the same
  # file the Firebase emulator and `firebase deploy --only firestore` read.
  firestore_indexes_file = jsondecode(file("${local.repo_root}/firestore.indexes.json"))

  composite_indexes = {
    for index in local.firestore_indexes_file.indexes :
    join("__", concat([index.collectionGroup], [for f in index.fields : f.fieldPath])) => index
  }

  # Single-field indexes Firestore does not keep by default: collection-group
  # scope. The stream function's shared listener (vtchat.fanout) range-queries
  # every session's `messages` by `createdAt`; without this index production
  # refuses the query, while the emulator, which needs no index, runs it.
  field_indexes = {
    for o in local.firestore_indexes_file.fieldOverrides :
    "${o.collectionGroup}__${o.fieldPath}" => o if length(o.indexes) > 0
  }

  # Collection groups whose documents carry `expireAt` (vtchat.store.EPHEMERAL).
  # watchers and notes expire with their chat; auditLog after audit_retention
  # (365 days by default): each entry's expireAt is its time plus that.
  # staffRevocations 2 h after a disable or revoke, when no older ID token is left.
  ttl_collection_groups = toset(["messages", "sessions", "advisors", "proofs", "transfers", "feedbackGiven", "watchers", "notes", "auditLog", "staffRevocations"])
}

resource "google_firestore_database" "main" {
  project     = var.project_id
  name        = "(default)"
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"

  # Reads in a transaction take no locks: a functions instance that dies in
  # the middle of a transaction blocks nobody (docs/reliability.md, "What the
  # runs found"); contention shows as aborted commits that Store retries.
  concurrency_mode            = "OPTIMISTIC"
  app_engine_integration_mode = "DISABLED"

  # No point-in-time recovery and no backups: a conversation must be gone when
  # its TTL deletes it (docs/privacy.md). A restore would bring deleted
  # conversations back.
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_DISABLED"

  delete_protection_state = var.firestore_delete_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
  # `terraform destroy` leaves the database alone unless protection is off.
  deletion_policy = var.firestore_delete_protection ? "ABANDON" : "DELETE"

  depends_on = [google_project_service.enabled]
}

resource "google_firestore_index" "composite" {
  for_each = local.composite_indexes

  project     = var.project_id
  database    = google_firestore_database.main.name
  collection  = each.value.collectionGroup
  query_scope = each.value.queryScope

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.fieldPath
      order        = try(fields.value.order, null)
      array_config = try(fields.value.arrayConfig, null)
    }
  }
}

# TTL on `expireAt` in every ephemeral collection group, and the field exempt
# from indexing: a timestamp that only grows would make a hot spot in the
# index, and no query of the functions needs it indexed in production (the
# emulator's `vtchat.admin expire` range query runs only locally).
# `visitorSeenAt` and `seenAt` stay indexed: the tick range-queries them.
resource "google_firestore_field" "expire_at_ttl" {
  for_each = local.ttl_collection_groups

  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = each.value
  field      = "expireAt"

  ttl_config {}

  # An empty index_config removes the field's single-field indexes.
  index_config {}
}

# A growing timestamp is a write hot spot only past about 500 writes a second
# per collection; the chat writes a few messages a minute.
resource "google_firestore_field" "indexed" {
  for_each = local.field_indexes

  project    = var.project_id
  database   = google_firestore_database.main.name
  collection = each.value.collectionGroup
  field      = each.value.fieldPath

  index_config {
    dynamic "indexes" {
      for_each = each.value.indexes
      content {
        order        = try(indexes.value.order, null)
        array_config = try(indexes.value.arrayConfig, null)
        query_scope  = indexes.value.queryScope
      }
    }
  }
}

resource "google_firebaserules_ruleset" "firestore" {
  project = var.project_id

  source {
    files {
      name    = "firestore.rules"
      content = file("${local.repo_root}/firestore.rules")
    }
  }

  depends_on = [google_firestore_database.main]

  lifecycle {
    create_before_destroy = true
  }
}

resource "google_firebaserules_release" "firestore" {
  project      = var.project_id
  name         = "cloud.firestore"
  ruleset_name = google_firebaserules_ruleset.firestore.name

  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}
