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

  # Where `firebase deploy` uploads from, per site: what web/render_production.py
  # writes from the build (web/dist) and this configuration's outputs. The
  # widget site gets the widget's scripts only (no console, no demo page); the
  # console site the console with its production configuration.
  hosting_public_dirs = {
    widget  = "web/release/widget"
    console = "web/release/console"
  }

  # The sites' public origins: the custom domain when one is set (domains.tf),
  # else Hosting's <site>.web.app.
  site_origins = {
    for key, site in google_firebase_hosting_site.site : key => (
      contains(keys(local.custom_domains), key) ? "https://${local.custom_domains[key]}" : site.default_url
    )
  }

  # The event stream's origin (stream_url without its path): what a page that
  # runs the widget must allow in connect-src.
  stream_origin = regex("^https://[^/]+", local.stream_url)

  # reCAPTCHA Enterprise (App Check in the console), as Google's reCAPTCHA FAQ
  # lists them for a CSP: its scripts and its frames.
  recaptcha_script_sources = "https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/"
  recaptcha_frame_sources  = "https://www.google.com/recaptcha/ https://recaptcha.google.com/recaptcha/"

  # One list of directives per site; the console's page carries the same policy
  # in a <meta> tag (web/render_production.py copies it from firebase.json,
  # without frame-ancestors, which a <meta> policy cannot set).
  # tests/unit/test_deploy_rehearsal.py checks that each allows exactly what
  # the built pages use.
  content_security_policy_directives = {
    # The widget site serves scripts only: the widget runs inside the regional
    # websites, under their policy (output `widget_embedding`). A document of
    # this site (Hosting's 404 page) may load nothing and be framed nowhere.
    widget = [
      "default-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]
    # The console: Firebase Auth (identitytoolkit, securetoken), Firestore,
    # App Check's token exchange and reCAPTCHA Enterprise; the API is /api on
    # its own origin. No popup or redirect sign-in, so no auth iframe.
    console = [
      "default-src 'self'",
      "script-src 'self' ${local.recaptcha_script_sources}",
      "frame-src ${local.recaptcha_frame_sources}",
      "connect-src 'self' https://identitytoolkit.googleapis.com https://securetoken.googleapis.com https://firestore.googleapis.com https://content-firebaseappcheck.googleapis.com",
      "img-src 'self' data:",
      "style-src 'self'",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ]
  }
  content_security_policy = {
    widget  = join("; ", local.content_security_policy_directives.widget)
    console = join("; ", local.content_security_policy_directives.console)
  }

  # What a regional website that embeds the widget adds to its own policy, if
  # it sends one: the loader and its chunks, the API on the widget site, and
  # the event stream's own origin (the intake hands the widget its URL).
  widget_embedding_csp = [
    "script-src ${local.site_origins.widget}",
    "connect-src ${local.site_origins.widget} ${local.stream_origin}",
  ]

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
        public   = local.hosting_public_dirs[key]
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

# The console's Firebase configuration (API key, auth domain) for its
# production page: output `console_web_config`, rendered into the page by
# web/render_production.py. The API key identifies the project, it grants
# nothing (Firebase's own docs); App Check and the rules guard the data.
data "google_firebase_web_app_config" "console" {
  provider   = google-beta
  project    = var.project_id
  web_app_id = google_firebase_web_app.app["console"].app_id
}
