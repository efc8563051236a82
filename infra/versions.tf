# Terraform and provider versions, pinned. Upgrades are deliberate: change the
# pin, run `terraform init -upgrade`, read the plan, commit the lock file.
terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "= 6.50.0"
    }
    # Firebase Hosting sites, the Firebase project and web apps are beta-only.
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "= 6.50.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "= 2.7.1"
    }
    # A pause while App Check learns about new web apps (identity.tf).
    time = {
      source  = "hashicorp/time"
      version = "= 0.12.1"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
  # Quota and billing of API calls go to the deployment's own project.
  user_project_override = true
  billing_project       = var.project_id
}

provider "google-beta" {
  project               = var.project_id
  region                = var.region
  user_project_override = true
  billing_project       = var.project_id
}
