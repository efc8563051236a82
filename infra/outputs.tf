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

output "console_web_config" {
  description = "The console's production page configuration (its data-* attributes), rendered into web/release/console by web/render_production.py: the API on the console's own origin, the web app's Firebase config and the App Check site key."
  value = {
    api                = "/api"
    project_id         = var.project_id
    api_key            = data.google_firebase_web_app_config.console.api_key
    auth_domain        = data.google_firebase_web_app_config.console.auth_domain
    app_id             = google_firebase_web_app.app["console"].app_id
    app_check_site_key = google_recaptcha_enterprise_key.app_check.name
  }
}

output "widget_embedding" {
  description = "What each regional website pastes (snippet, with its own region id for REGION_ID) and, if it sends a Content-Security-Policy, the sources it adds (docs/deploy.md)."
  value = {
    origin     = local.site_origins.widget
    loader_url = "${local.site_origins.widget}/widget/loader.js"
    api_url    = "${local.site_origins.widget}/api"
    stream_url = local.stream_url
    csp        = local.widget_embedding_csp
    snippet    = "<script type=\"module\" src=\"${local.site_origins.widget}/widget/loader.js\" data-region=\"REGION_ID\" data-api=\"${local.site_origins.widget}/api\"></script>"
  }
}

output "web_app_ids" {
  description = "Firebase web app ids of the widget and the console (for the console's Firebase configuration)."
  value       = { for key, app in google_firebase_web_app.app : key => app.app_id }
}

output "recaptcha_site_key" {
  description = "reCAPTCHA Enterprise site key for App Check in the console (also in console_web_config; the widget loads no reCAPTCHA)."
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

output "custom_domain_dns_records" {
  description = "DNS records Hosting wants for each custom domain (domains.tf), to create (ADD) or delete (REMOVE) at the domain's DNS provider: docs/deploy.md, \"Domains\". Empty until Hosting has checked the domain (`terraform apply -refresh-only`), and once every record is in place."
  value = {
    for key, domain in google_firebase_hosting_custom_domain.site : domain.custom_domain => [
      for record in flatten([
        for update in domain.required_dns_updates : [for desired in update.desired : desired.records]
        ]) : {
        name   = record.domain_name
        type   = record.type
        value  = record.rdata
        action = record.required_action
      }
    ]
  }
}

output "custom_domain_states" {
  description = "Per custom domain: ownership, hosting and certificate state as Hosting last saw them (all *_ACTIVE when the domain serves)."
  value = {
    for key, domain in google_firebase_hosting_custom_domain.site : domain.custom_domain => {
      site      = domain.site_id
      ownership = domain.ownership_state
      host      = domain.host_state
      cert      = try(domain.cert[0].state, null)
    }
  }
}
