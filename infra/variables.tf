variable "project_id" {
  description = "ID of the Google Cloud project that holds one environment of the chat (one project per environment)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid Google Cloud project ID (6-30 characters: lower-case letters, digits, hyphens)."
  }
}

variable "environment" {
  description = "Name of the environment (test or prod); used in labels and display names."
  type        = string

  validation {
    condition     = contains(["test", "prod"], var.environment)
    error_message = "environment must be \"test\" or \"prod\"."
  }
}

variable "region" {
  description = "Region of the functions, Pub/Sub message storage, Cloud Scheduler, the log bucket and the secret. The chat's data stays in the Netherlands: europe-west4 (Eemshaven)."
  type        = string
  default     = "europe-west4"

  validation {
    condition     = var.region == "europe-west4"
    error_message = "region must be europe-west4: docs/privacy.md promises processing in the Netherlands."
  }
}

variable "firestore_location" {
  description = "Location of the Firestore database. europe-west4 (single region, the Netherlands) is the decision, see firestore.tf; eur3 (multi-region Belgium/Netherlands) is allowed for higher availability at the cost of data leaving the Netherlands."
  type        = string
  default     = "europe-west4"

  validation {
    condition     = contains(["europe-west4", "eur3"], var.firestore_location)
    error_message = "firestore_location must be europe-west4 or eur3 (EU/Netherlands only)."
  }
}

variable "firestore_delete_protection" {
  description = "Whether the Firestore database is protected against deletion (by Terraform or anyone else). Keep it on in production."
  type        = bool
  default     = true
}

variable "max_instances" {
  description = "Upper bound of instances per function, by entry point name; entry points not named keep the default of functions.tf. The intake rate limit is per instance, so this also caps the national intake rate."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.max_instances) : v >= 1 && v <= 100])
    error_message = "max_instances values must be between 1 and 100."
  }
}

variable "min_instances" {
  description = "Instances kept warm per function, by entry point name (default 0 everywhere: a cold start of a few seconds is accepted, idle instances cost money and serve no one at night). Set e.g. { intake = 1, stream = 1 } during opening hours if cold starts show in the figures."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.min_instances) : v >= 0 && v <= 5])
    error_message = "min_instances values must be between 0 and 5."
  }
}

variable "stream_url" {
  description = "Public https URL of the event stream when a domain is mapped straight to the stream function (no Hosting in between: Hosting buffers streamed responses). Null: Cloud Run's deterministic URL https://stream-PROJECT_NUMBER.REGION.run.app."
  type        = string
  default     = null

  validation {
    condition     = var.stream_url == null || can(regex("^https://[a-z0-9.-]+(/[A-Za-z0-9._/-]*)?$", var.stream_url))
    error_message = "stream_url must be an https URL without query or fragment."
  }
}

variable "stream_max_minutes" {
  description = "How long one event stream stays open before the server closes it and the widget reconnects (VTCHAT_STREAM_MAX_MINUTES). The stream function's timeout is this plus one minute."
  type        = number
  default     = 10

  validation {
    condition     = var.stream_max_minutes > 0 && var.stream_max_minutes <= 50
    error_message = "stream_max_minutes must be more than 0 and at most 50 (the function timeout is at most 60 minutes)."
  }
}

variable "limits" {
  description = "Operator-tunable limits, passed to every function as VTCHAT_<NAME> environment variables (see functions/vtchat/settings.py). Unset values keep the code's defaults."
  type = object({
    session_max_minutes        = optional(number)
    content_retention_minutes  = optional(number)
    unserved_retention_minutes = optional(number)
    fallback_after_minutes     = optional(number)
    reoffer_after_minutes      = optional(number)
    mean_chat_minutes          = optional(number)
    visitor_grace_minutes      = optional(number)
    advisor_grace_minutes      = optional(number)
    language_wait_minutes      = optional(number)
    unanswered_minutes         = optional(number)
    audit_retention_days       = optional(number)
    messages_per_minute        = optional(number)
    message_burst              = optional(number)
    intakes_per_minute         = optional(number)
    max_waiting_per_org        = optional(number)
    proof_base_number          = optional(number)
  })
  default = {}

  validation {
    condition     = alltrue([for k, v in var.limits : v == null ? true : v > 0])
    error_message = "Every limit must be a positive number."
  }

  validation {
    condition     = var.limits.content_retention_minutes == null ? true : var.limits.content_retention_minutes <= 1440
    error_message = "content_retention_minutes may not exceed 24 hours (docs/privacy.md)."
  }
}

variable "app_check_enforced" {
  description = "Whether App Check is enforced: Firestore and Auth refuse requests without a token, and the functions check staff calls as functions_app_check says; the visitor's calls never need one. Only a test environment may switch it off."
  type        = bool
  default     = true

  validation {
    condition     = var.app_check_enforced || var.environment == "test"
    error_message = "App Check may be switched off only in the test environment."
  }
}

variable "functions_app_check" {
  description = "How the functions treat a staff call without a genuine App Check token while app_check_enforced: \"on\" refuses it (401), \"monitor\" answers it and logs app_check_would_refuse, for the roll-out (docs/deploy.md section 6)."
  type        = string
  default     = "on"

  validation {
    condition     = contains(["on", "monitor"], var.functions_app_check)
    error_message = "functions_app_check must be \"on\" or \"monitor\"."
  }
}

variable "session_key_secret_version" {
  description = "Version number of the session-token signing key in Secret Manager the functions sign with (VTCHAT_SESSION_KEY). Pinned, never \"latest\": with \"latest\", instances started before and after a new version would hold different keys and refuse each other's tokens. Rotation: docs/deploy.md, \"Rotating the session key\"."
  type        = string
  default     = "1"

  validation {
    condition     = can(regex("^[1-9][0-9]*$", var.session_key_secret_version))
    error_message = "session_key_secret_version must be a version number (not \"latest\")."
  }
}

variable "session_key_previous_secret_version" {
  description = "During a rotation only: a second version of the session key that verifies tokens and intake puzzles but signs nothing (VTCHAT_SESSION_KEY_PREVIOUS): first the new version (before the switch), then the old one (after it, for at least session_max_minutes). Null outside a rotation; docs/deploy.md, \"Rotating the session key\"."
  type        = string
  default     = null

  validation {
    condition     = var.session_key_previous_secret_version == null || can(regex("^[1-9][0-9]*$", var.session_key_previous_secret_version))
    error_message = "session_key_previous_secret_version must be null or a version number (not \"latest\")."
  }
}

variable "resume_key_secret_version" {
  description = "Version number of the resume-code key in Secret Manager the functions use. Pinned, never \"latest\": a new value makes every running chat's code unknown, so change it only when no chat needs its code (docs/deploy.md)."
  type        = string
  default     = "1"

  validation {
    condition     = can(regex("^[1-9][0-9]*$", var.resume_key_secret_version))
    error_message = "resume_key_secret_version must be a version number (not \"latest\")."
  }
}

variable "console_domain" {
  description = "Host name the advisor console is served on (a custom domain of its Hosting site, or <site>.web.app). Added to the authorised domains of Firebase Auth."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9.-]+\\.[a-z]{2,}$", var.console_domain))
    error_message = "console_domain must be a host name such as console.example.nl."
  }
}

variable "custom_domains" {
  description = "Custom domains of the Hosting sites (domains.tf), e.g. { widget = \"chat.veiligthuis.nl\", console = \"console.chat.veiligthuis.nl\" }. Unset: the site stays at <site>.web.app. The console's must equal console_domain."
  type = object({
    widget  = optional(string)
    console = optional(string)
  })
  default = {}

  validation {
    condition     = alltrue([for d in values(var.custom_domains) : d == null ? true : can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", d))])
    error_message = "custom_domains values must be host names such as chat.example.nl (no scheme, no path)."
  }
}

variable "admin_members" {
  description = "Named administrators (e.g. \"group:vtchat-admins@example.nl\") who may run `python -m vtchat.admin`, read Firestore and rotate the session key. Nobody else gets data access (docs/privacy.md)."
  type        = list(string)

  validation {
    condition     = alltrue([for m in var.admin_members : can(regex("^(user|group):", m))])
    error_message = "admin_members must be user: or group: principals."
  }
}

variable "backup_retention_days" {
  description = "How long each daily export of chatRecords and handovers is kept (backup.tf): it cannot be deleted sooner, and is deleted a day later. Shown in docs/privacy.md."
  type        = number
  default     = 30

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 400
    error_message = "backup_retention_days must be between 7 and 400."
  }
}

variable "backup_schedule" {
  description = "When the daily export runs (cron, Europe/Amsterdam), at night."
  type        = string
  default     = "30 3 * * *"
}

variable "log_retention_days" {
  description = "Retention of the project's EU log bucket, in days. Logs carry staff account ids, never visitor data (docs/privacy.md)."
  type        = number
  default     = 30

  validation {
    condition     = var.log_retention_days >= 1 && var.log_retention_days <= 90
    error_message = "log_retention_days must be between 1 and 90."
  }
}
