# Pub/Sub: the topology of functions/vtchat/topics.py `topology()`, kept equal
# by tests/unit/test_infra_contract.py.
# - fallback-offers fans out to one push subscription per organisation
#   (fallback-offers.<org>), filtered on that organisation's candidate
#   attribute, pushed to the offer function;
# - tick is pushed to the tick function (tick.housekeeping);
# - undeliverable messages go, after 5 attempts, to a dead-letter topic that a
#   pull subscription (<dead-letter topic>.inspect) keeps for people to read.
# Messages are stored in europe-west4 only.

locals {
  # The organisations, from the same file the functions read.
  organisations = [
    for org in jsondecode(file("${local.repo_root}/functions/vtchat/data/organisations.json")).organisations : org.id
  ]

  topics = ["fallback-offers", "fallback-offers-dead-letter", "tick", "tick-dead-letter"]

  # vtchat.topics.MAX_DELIVERY_ATTEMPTS
  max_delivery_attempts = 5

  # One push subscription per organisation; name and filter are format()
  # templates filled with the organisation id (vtchat.topics.offer_subscription
  # and offer_filter). Ack deadlines as in vtchat.topics.
  offer_subscription = {
    name                 = "fallback-offers.%s"
    filter               = "attributes:\"candidate-%s\""
    topic                = "fallback-offers"
    push_to              = "offer"
    ack_deadline_seconds = 30
    dead_letter_topic    = "fallback-offers-dead-letter"
  }

  tick_subscription = {
    name                 = "tick.housekeeping"
    filter               = ""
    topic                = "tick"
    push_to              = "tick"
    ack_deadline_seconds = 120
    dead_letter_topic    = "tick-dead-letter"
  }

  push_subscriptions = merge(
    {
      for org in local.organisations : format(local.offer_subscription.name, org) => merge(
        local.offer_subscription,
        { filter = format(local.offer_subscription.filter, org) },
      )
    },
    { (local.tick_subscription.name) = local.tick_subscription },
  )

  # Dead letters are kept on pull subscriptions for people to inspect.
  dead_letter_subscriptions = {
    "fallback-offers-dead-letter.inspect" = { topic = "fallback-offers-dead-letter", ack_deadline_seconds = 60 }
    "tick-dead-letter.inspect"            = { topic = "tick-dead-letter", ack_deadline_seconds = 60 }
  }

  pubsub_service_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_pubsub_topic" "topic" {
  #checkov:skip=CKV_GCP_83:Google-managed encryption is accepted: messages hold session ids and organisation ids, never conversation content, and live minutes; a CMEK key adds a key ring to run for no gain.
  for_each = toset(local.topics)

  project = var.project_id
  name    = each.key

  labels = {
    app         = "vtchat"
    environment = var.environment
  }

  message_storage_policy {
    allowed_persistence_regions = [var.region]
    enforce_in_transit          = true
  }

  depends_on = [google_project_service.enabled]
}

resource "google_pubsub_subscription" "push" {
  for_each = local.push_subscriptions

  project = var.project_id
  name    = each.key
  topic   = google_pubsub_topic.topic[each.value.topic].id
  filter  = each.value.filter

  # Equal to the timeout of the function it pushes to (functions.tf).
  ack_deadline_seconds = each.value.ack_deadline_seconds
  # An offer is re-made after a few minutes and a tick every minute: an old
  # message is worth nothing. 10 minutes is Pub/Sub's minimum.
  message_retention_duration = "600s"

  # The function's deterministic URL (functions.tf local.push_urls), as
  # endpoint and as the token's audience, which the function checks itself.
  push_config {
    push_endpoint = local.push_urls[each.value.push_to]

    oidc_token {
      service_account_email = google_service_account.pubsub_push.email
      audience              = local.push_urls[each.value.push_to]
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "60s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.topic[each.value.dead_letter_topic].id
    max_delivery_attempts = local.max_delivery_attempts
  }

  expiration_policy {
    ttl = ""
  }

  depends_on = [
    google_cloudfunctions2_function.fn,
    google_cloud_run_v2_service_iam_member.push_invoker,
    google_pubsub_topic_iam_member.dead_letter_publisher,
  ]
}

resource "google_pubsub_subscription" "dead_letter" {
  for_each = local.dead_letter_subscriptions

  project                    = var.project_id
  name                       = each.key
  topic                      = google_pubsub_topic.topic[each.value.topic].id
  ack_deadline_seconds       = each.value.ack_deadline_seconds
  message_retention_duration = "604800s"

  expiration_policy {
    ttl = ""
  }
}

# Dead-lettering is done by the Pub/Sub service agent: it publishes to the
# dead-letter topics and acknowledges on the source subscriptions.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = toset(["fallback-offers-dead-letter", "tick-dead-letter"])

  project = var.project_id
  topic   = google_pubsub_topic.topic[each.key].name
  role    = "roles/pubsub.publisher"
  member  = local.pubsub_service_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = local.push_subscriptions

  project      = var.project_id
  subscription = google_pubsub_subscription.push[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_service_agent
}
