# Firebase Hosting: one site for the visitor's widget, one for the advisor
# console. Both rewrite /api/<name> to the function <name> (the paths the
# emulator serves, emulators/serve_functions.py) and send the same security
# headers; only the CSP differs.
#
# Terraform owns the sites and the Hosting configuration; the static files are
# uploaded by `firebase deploy --only hosting`, which needs a firebase.json:
# Terraform renders it (output `firebase_json`, docs/deploy.md), so rewrites
# and headers have one source and cannot drift from the functions.

locals {
  hosting_sites = {
    widget  = "${var.project_id}-widget"
    console = "${var.project_id}-console"
  }

  recaptcha_script_sources = "https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/"
  recaptcha_frame_sources  = "https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/"

  content_security_policy = {
    # Documents of the widget site (the demo page). The loader script itself
    # runs inside the regional websites under their own CSP (docs/deploy.md);
    # pages of this site may be framed only by those websites.
    widget = join("; ", [
      "default-src 'self'",
      "script-src 'self' ${local.recaptcha_script_sources}",
      "frame-src ${local.recaptcha_frame_sources}",
      "connect-src 'self' ${local.stream_url} https://content-firebaseappcheck.googleapis.com",
      "img-src 'self' data:",
      "style-src 'self'",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors ${join(" ", var.widget_embedding_origins)}",
    ])
    # The console uses the Firebase JS SDK: Auth, Firestore listeners, App Check.
    console = join("; ", [
      "default-src 'self'",
      "script-src 'self' ${local.recaptcha_script_sources}",
      "frame-src ${local.recaptcha_frame_sources} https://${var.project_id}.firebaseapp.com",
      "connect-src 'self' https://firestore.googleapis.com https://identitytoolkit.googleapis.com https://securetoken.googleapis.com https://content-firebaseappcheck.googleapis.com",
      "img-src 'self' data:",
      "style-src 'self'",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ])
  }

  security_headers = {
    "Strict-Transport-Security"  = "max-age=63072000; includeSubDomains; preload"
    "Referrer-Policy"            = "no-referrer"
    "X-Content-Type-Options"     = "nosniff"
    "Permissions-Policy"         = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    "Cross-Origin-Opener-Policy" = "same-origin"
  }

  # The widget's scripts are loaded by the 26 regional websites, from another
  # origin, as module scripts: the browser fetches them with CORS. The loader
  # keeps its name (short cache); the hashed bundles never change.
  widget_script_headers = [
    {
      source = "/widget/**"
      headers = [
        { key = "Access-Control-Allow-Origin", value = "*" },
        { key = "Cross-Origin-Resource-Policy", value = "cross-origin" },
      ]
    },
    {
      source  = "/widget/loader.js"
      headers = [{ key = "Cache-Control", value = "public, max-age=300" }]
    },
    {
      source  = "/widget/*-*.js"
      headers = [{ key = "Cache-Control", value = "public, max-age=31536000, immutable" }]
    },
  ]

  # /api/<name> -> the Cloud Run service of function <name> (2nd gen
  # functions are Cloud Run services of the same name). Not the event stream:
  # Hosting buffers a streamed response until it ends and cuts rewritten
  # requests at 60 s (docs/platform.md); the widget opens it on the stream
  # function's own URL (VTCHAT_STREAM_URL, handed out with the token).
  hosted_functions = toset([for name, f in local.functions : name if f.public && f.hosting])
  api_rewrites = [
    for name in sort(tolist(local.hosted_functions)) : {
      source = "/api/${name}"
      run    = { serviceId = name, region = var.region }
    }
  ]

  firebase_json = {
    hosting = [
      for key, site in local.hosting_sites : {
        site     = site
        public   = var.hosting_public_dirs[key]
        ignore   = ["**/.*", "**/node_modules/**"]
        rewrites = local.api_rewrites
        headers = concat(
          [
            {
              source  = "**"
              headers = [for k, v in merge(local.security_headers, { "Content-Security-Policy" = local.content_security_policy[key] }) : { key = k, value = v }]
            },
          ],
          key == "widget" ? local.widget_script_headers : [],
        )
      }
    ]
  }
}

resource "google_firebase_hosting_site" "site" {
  provider = google-beta
  for_each = local.hosting_sites

  project = var.project_id
  site_id = each.value
  app_id  = google_firebase_web_app.app[each.key].app_id
}
