output "firestore_database" {
  description = "Name and location of the Firestore database."
  value       = { name = google_firestore_database.main.name, location = google_firestore_database.main.location_id }
}

output "function_uris" {
  description = "Direct URL of every function by entry point (public ones are reached through Hosting at /api/<name>)."
  value       = { for name, fn in google_cloudfunctions2_function.fn : name => fn.service_config[0].uri }
}

output "stream_url" {
  description = "Where the widget opens its event stream (VTCHAT_STREAM_URL): the stream function itself, not a Hosting rewrite."
  value       = local.stream_url
}

output "function_service_accounts" {
  description = "Service account of every function by entry point."
  value       = { for name, sa in google_service_account.function : name => sa.email }
}

output "hosting_sites" {
  description = "Firebase Hosting site ids and default URLs of the widget and the console."
  value       = { for key, site in google_firebase_hosting_site.site : key => { site_id = site.site_id, url = site.default_url } }
}

output "firebase_json" {
  description = "The firebase.json for `firebase deploy --only hosting`: the sites, the /api rewrites and the security headers (docs/deploy.md)."
  value       = jsonencode(local.firebase_json)
}

output "web_app_ids" {
  description = "Firebase web app ids of the widget and the console (for the console's Firebase configuration)."
  value       = { for key, app in google_firebase_web_app.app : key => app.app_id }
}

output "recaptcha_site_key" {
  description = "reCAPTCHA Enterprise site key for App Check in the console and the widget's token provider."
  value       = google_recaptcha_enterprise_key.app_check.name
}

output "session_key_secret" {
  description = "Secret Manager secret that holds the session-token signing key (add a version by hand, docs/deploy.md)."
  value       = google_secret_manager_secret.session_key.id
}

output "resume_key_secret" {
  description = "Secret Manager secret that holds the resume-code key (add a version by hand, docs/deploy.md)."
  value       = google_secret_manager_secret.resume_key.id
}

output "dead_letter_subscriptions" {
  description = "Pull subscriptions that keep undeliverable offers and ticks for inspection."
  value       = [for sub in google_pubsub_subscription.dead_letter : sub.name]
}
