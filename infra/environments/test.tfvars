# Test environment: its own project, the same shape as production.
project_id  = "vtchat-test"
environment = "test"

firestore_location          = "europe-west4"
firestore_delete_protection = false

# Tests run bursts from one machine: a higher intake budget, App Check on all
# the same (test with the reCAPTCHA key of the test site).
app_check_enforced = true
limits = {
  intakes_per_minute = 600
}

max_instances = {
  stream = 5
}

console_domain     = "vtchat-test-console.web.app"
admin_members      = ["group:vtchat-test-admins@veiligthuis.example"]
log_retention_days = 7
