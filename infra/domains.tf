# Custom domains of the two Hosting sites (optional). Without them the sites
# stay at their default <site>.web.app addresses.
#
# Terraform only asks Hosting for the domain; Hosting then says which DNS
# records it wants (an ownership TXT record, the A/AAAA or CNAME records, and
# an ACME challenge for the certificate): output `custom_domain_dns_records`.
# The operator creates them at the domain's DNS provider (docs/deploy.md,
# "Domains"); Hosting checks them by itself and issues the certificate. The
# records appear a little after the apply: `terraform apply -refresh-only`
# reads them again.
#
# The console's custom domain must be `console_domain` too: Firebase Auth
# accepts sign-ins only on authorised domains (identity.tf).

locals {
  custom_domains = { for key, domain in var.custom_domains : key => domain if domain != null }
}

resource "google_firebase_hosting_custom_domain" "site" {
  provider = google-beta
  for_each = local.custom_domains

  project       = var.project_id
  site_id       = google_firebase_hosting_site.site[each.key].site_id
  custom_domain = each.value
  # Any type is open to a Blaze-plan project (which Cloud Functions need): a
  # certificate for this domain name alone.
  cert_preference = "DEDICATED"
  # Never block an apply on DNS that a person still has to set.
  wait_dns_verification = false

  lifecycle {
    precondition {
      condition     = each.key != "console" || each.value == var.console_domain
      error_message = "custom_domains.console must equal console_domain (the domain Firebase Auth authorises)."
    }
  }
}
