# Production: the 26 organisations. Defaults of variables.tf apply unless set.
project_id  = "vtchat-prod"
environment = "prod"

firestore_location          = "europe-west4"
firestore_delete_protection = true
app_check_enforced          = true

# No always-on instances (see variables.tf, min_instances).
min_instances = {}

console_domain     = "console.chat.veiligthuis.nl"
admin_members      = ["group:vtchat-admins@veiligthuis.nl"]
log_retention_days = 30
