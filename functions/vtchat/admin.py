"""`python -m vtchat.admin <command> …`: the operator commands of vtchat.cli.admin.

Kept at this path for the documented command and its callers.
"""

from __future__ import annotations

import sys

from vtchat.cli.admin import *  # noqa: F403
from vtchat.cli.admin import main

if __name__ == "__main__":
    sys.exit(main())
