"""Commands an operator runs by hand (`python -m vtchat.admin`, `python -m vtchat.report`).

Apart from what a function imports: no entry point of functions/main.py
reaches this package, so a deployed function never loads it. The old module
paths (vtchat.admin, vtchat.expiry, and vtchat.report's CSV command) stay as
thin entry points, because the documentation and the tests call them.
"""
