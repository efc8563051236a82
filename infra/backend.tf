# Remote state in a GCS bucket of its own (created once by hand, see
# README.md "Bootstrap"). The bucket name differs per environment and is given
# at init time: `terraform init -backend-config=environments/<env>.backend.hcl`.
# The state holds no secrets: the session key is added to Secret Manager
# outside Terraform and only its name is referenced here.
terraform {
  backend "gcs" {
    prefix = "vtchat"
  }
}
