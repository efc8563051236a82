"""Operator commands: `python -m vtchat.admin <command> …`.

grant           give a Firebase Auth account a role (advisor, supervisor, national) and languages
revoke          take a staff account's access away at once (disable, sign out, strip role)
load-postcodes  load a PC4 → organisation table into Firestore (data change, no deploy)
seed-demo       create demo advisors on the Auth emulator and print their logins
setup-pubsub    create the topics and push subscriptions of vtchat.topics (emulator only)
tick            run the scheduled housekeeping once
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from firebase_admin import auth as firebase_auth
from google.api_core import exceptions as api_exceptions
from google.cloud.pubsub_v1 import SubscriberClient

from vtchat import accounts, housekeeping, topics
from vtchat.cli import expiry
from vtchat.models import LANGUAGES
from vtchat.regions import PostcodeTableError, read_postcode_table, split_by_leading_digit
from vtchat.services import Services, operator_services


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    display_name: str
    role: str
    org: str
    languages: tuple[str, ...] = ()


DEMO_PASSWORD = "demo-wachtwoord"  # noqa: S105 - emulator-only accounts
DEMO_ACCOUNTS = (
    DemoAccount("anna@utrecht.demo", DEMO_PASSWORD, "Anna", "advisor", "utrecht"),
    DemoAccount("bram@utrecht.demo", DEMO_PASSWORD, "Bram", "advisor", "utrecht"),
    DemoAccount("sanne@utrecht.demo", DEMO_PASSWORD, "Sanne", "supervisor", "utrecht"),
    DemoAccount("joost@zob.demo", DEMO_PASSWORD, "Joost", "advisor", "zuidoost-brabant", ("en",)),
    DemoAccount(
        "fatima@haaglanden.demo", DEMO_PASSWORD, "Fatima", "advisor", "haaglanden", ("tr", "ar")
    ),
    # The national figures only: no chats, nothing in Firestore.
    DemoAccount("lotte@landelijk.demo", DEMO_PASSWORD, "Lotte", "national", "utrecht"),
)


def grant(
    svc: Services,
    *,
    email: str,
    role: str,
    org: str,
    display_name: str | None = None,
    password: str | None = None,
    languages: Sequence[str] = (),
    privacy: bool = False,
) -> str:
    """Set the role, org and langs claims; create the account only when a password is given.

    `langs` lists the languages the advisor chats in, Dutch always among them
    (chats in another language are offered to those who speak it). A grant
    without languages sets Dutch only.

    The e-mail address is marked verified: Firebase enrols no second factor
    for an unverified one, and identity.tf makes a second factor mandatory.
    Staff cannot sign themselves up (sign-up is disabled); the administrator
    who grants the role vouches for the address.
    """
    if role not in ("advisor", "supervisor", "national"):
        raise SystemExit(f"unknown role {role!r}: use advisor, supervisor or national")
    langs = claim_languages(languages)
    svc.directory.get(org)
    app = svc.firebase_app
    try:
        user = firebase_auth.get_user_by_email(email, app=app)
        changes: dict[str, object] = {"display_name": display_name, "password": password}
        if not user.email_verified:
            changes["email_verified"] = True
        if any(value is not None for value in changes.values()):
            firebase_auth.update_user(user.uid, app=app, **changes)
    except firebase_auth.UserNotFoundError:
        if password is None:
            raise SystemExit(f"no account {email}: create it first, or pass --password") from None
        user = firebase_auth.create_user(
            email=email,
            email_verified=True,
            password=password,
            display_name=display_name,
            app=app,
        )
    claims = accounts.staff_claims(role=role, org=org, languages=langs)
    # `privacy`: the organisation's privacy officer, who exports its
    # supervision audit log (GET /api/audit). A claim beside the role, set
    # here by the national team only (never by the console's invitations): a
    # grant without --privacy takes it away again.
    if privacy:
        claims["privacy"] = True
    firebase_auth.set_custom_user_claims(user.uid, claims, app=app)
    return str(user.uid)


def claim_languages(languages: Sequence[str]) -> list[str]:
    """The `langs` claim (vtchat.accounts, shared with the console's invitations)."""
    try:
        return accounts.claim_languages(languages)
    except ValueError as e:
        raise SystemExit(str(e)) from None


def _languages(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


@dataclass(frozen=True)
class Revoked:
    uid: str
    email: str | None
    # Disabled and without role claims already before this run.
    already: bool


def revoke(svc: Services, *, uid: str | None = None, email: str | None = None) -> Revoked:
    """Disable the account, revoke its sessions and remove its role and organisation.

    Its ID tokens are refused from the next call on (the functions verify with
    `check_revoked`, the rules through `staffRevocations/{uid}`), its refresh
    tokens mint no new ones, and a new token would carry no role. Idempotent:
    a second run changes nothing that matters.
    """
    app = svc.firebase_app
    try:
        if uid:
            user = firebase_auth.get_user(uid, app=app)
        else:
            user = firebase_auth.get_user_by_email(email or "", app=app)
    except (firebase_auth.UserNotFoundError, ValueError):
        raise LookupError(f"geen account {uid or email}") from None
    already = bool(user.disabled and not user.custom_claims)
    firebase_auth.update_user(user.uid, disabled=True, app=app)
    firebase_auth.revoke_refresh_tokens(user.uid, app=app)
    firebase_auth.set_custom_user_claims(user.uid, None, app=app)
    # The old ID tokens still carry the role: the rules refuse them from here.
    accounts.record_revocation(svc, firebase_auth.get_user(user.uid, app=app))
    return Revoked(uid=str(user.uid), email=user.email, already=already)


def load_postcodes(svc: Services, *, path: Path, column: str) -> int:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        mapping = read_postcode_table(csv.DictReader(handle), svc.directory, column=column)
    store = svc.store
    batch = store.client.batch()
    loaded_at = datetime.now(UTC)
    shards = split_by_leading_digit(mapping)
    existing = {snapshot.id for snapshot in store.query(store.postcodes())}
    for digit, entries in shards.items():
        store.set(
            batch,
            store.postcodes().document(digit),
            {"map": entries, "column": column, "source": path.name, "loadedAt": loaded_at},
        )
    # A boundary change can empty a leading digit: drop shards the new table lacks.
    for stale in existing - shards.keys():
        store.counts.add(writes=1)
        batch.delete(store.postcodes().document(stale))
    batch.commit()
    return len(mapping)


def seed_demo(svc: Services) -> list[DemoAccount]:
    if not os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"):
        raise SystemExit("seed-demo only runs against the Auth emulator")
    for account in DEMO_ACCOUNTS:
        grant(
            svc,
            email=account.email,
            role=account.role,
            org=account.org,
            display_name=account.display_name,
            password=account.password,
            languages=account.languages,
        )
    return list(DEMO_ACCOUNTS)


def _push_url(value: str) -> tuple[str, str]:
    name, sep, url = value.partition("=")
    if not sep or not name or not url.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(
            f"expected FUNCTION=URL, e.g. offer=http://127.0.0.1:5108, not {value!r}"
        )
    return name, url


def setup_pubsub(svc: Services, *, push_urls: Mapping[str, str]) -> list[str]:
    """Create what `topics.topology()` lists, pushing to each function's own URL.

    `push_urls` maps a push function (`offer`, `tick`) to its address: as in
    production, Pub/Sub pushes to the function itself, not through Hosting
    (locally: emulators/functions_plan.push_urls). Idempotent: what exists is
    left as it is. Production declares the same in infra/ (with authenticated
    push); this is for the emulator.
    """
    project = svc.settings.project_id
    publisher = svc.publisher
    subscriber = SubscriberClient()
    topic_names, subscriptions = topics.topology([org.id for org in svc.directory])
    missing = {s.push_to for s in subscriptions if s.push_to} - set(push_urls)
    if missing:
        raise ValueError(f"no push URL for {', '.join(sorted(missing))}")
    created: list[str] = []
    for name in topic_names:
        try:
            publisher.create_topic(name=publisher.topic_path(project, name))
            created.append(name)
        except api_exceptions.AlreadyExists:
            pass
    for spec in subscriptions:
        request: dict[str, object] = {
            "name": subscriber.subscription_path(project, spec.name),
            "topic": publisher.topic_path(project, spec.topic),
            "filter": spec.filter,
            "ack_deadline_seconds": spec.ack_deadline_seconds,
        }
        if spec.push_to is not None:
            request["push_config"] = {"push_endpoint": push_urls[spec.push_to]}
        if spec.dead_letter_topic is not None:
            request["dead_letter_policy"] = {
                "dead_letter_topic": publisher.topic_path(project, spec.dead_letter_topic),
                "max_delivery_attempts": topics.MAX_DELIVERY_ATTEMPTS,
            }
            request["retry_policy"] = {
                "minimum_backoff": {"seconds": 10},
                "maximum_backoff": {"seconds": 300},
            }
        try:
            subscriber.create_subscription(request=request)
            created.append(spec.name)
        except api_exceptions.AlreadyExists:
            pass
    return created


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m vtchat.admin", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    grant_cmd = commands.add_parser("grant", help="set role and organisation of an account")
    grant_cmd.add_argument("--email", required=True)
    grant_cmd.add_argument("--role", required=True, choices=("advisor", "supervisor", "national"))
    grant_cmd.add_argument("--org", required=True, help="organisation id, e.g. utrecht")
    grant_cmd.add_argument("--display-name", help="name the visitor sees, e.g. Anna")
    grant_cmd.add_argument("--password", help="create the account with this password if missing")
    grant_cmd.add_argument(
        "--languages",
        type=_languages,
        default=[],
        help=f"languages besides Dutch the advisor chats in, e.g. en,tr ({','.join(LANGUAGES)})",
    )
    grant_cmd.add_argument(
        "--privacy",
        action="store_true",
        help="the organisation's privacy officer: may export its audit log (GET /api/audit)",
    )
    revoke_cmd = commands.add_parser(
        "revoke", help="disable a staff account, sign it out everywhere, remove its role"
    )
    who = revoke_cmd.add_mutually_exclusive_group(required=True)
    who.add_argument("--uid")
    who.add_argument("--email")
    load_cmd = commands.add_parser("load-postcodes", help="load a PC4 table into Firestore")
    load_cmd.add_argument("--csv", required=True, type=Path)
    load_cmd.add_argument("--column", default="veilig_thuis_26")
    commands.add_parser("seed-demo", help="create the demo advisors (Auth emulator only)")
    pubsub_cmd = commands.add_parser("setup-pubsub", help="create topics and push subscriptions")
    pubsub_cmd.add_argument(
        "--push-url",
        action="append",
        required=True,
        metavar="FUNCTION=URL",
        type=_push_url,
        help="a push function's own URL, e.g. offer=http://127.0.0.1:5108 (once per function)",
    )
    commands.add_parser("tick", help="run the scheduled housekeeping once")
    commands.add_parser(
        "expire", help="delete documents past their expireAt (what TTL does in production)"
    )
    args = parser.parse_args(argv)
    svc = operator_services()
    if args.command == "grant":
        uid = grant(
            svc,
            email=args.email,
            role=args.role,
            org=args.org,
            display_name=args.display_name,
            password=args.password,
            languages=args.languages,
            privacy=args.privacy,
        )
        langs = ",".join(claim_languages(args.languages))
        officer = " privacy=yes" if args.privacy else ""
        print(f"{args.email} ({uid}): role={args.role} org={args.org} languages={langs}{officer}")
    elif args.command == "revoke":
        try:
            revoked = revoke(svc, uid=args.uid, email=args.email)
        except LookupError as e:
            print(f"revoke: {e}", file=sys.stderr)
            return 1
        name = f"{revoked.email or 'account zonder e-mail'} ({revoked.uid})"
        if revoked.already:
            print(f"{name} was al uitgeschakeld en zonder rol; opnieuw afgemeld.")
        else:
            print(
                f"{name}: uitgeschakeld, alle aanmeldingen ingetrokken, rol en organisatie "
                "verwijderd. Openstaande chats gaan binnen enkele minuten terug naar de wachtrij."
            )
    elif args.command == "load-postcodes":
        try:
            count = load_postcodes(svc, path=args.csv, column=args.column)
        except (OSError, PostcodeTableError) as e:
            print(f"load-postcodes: {e}", file=sys.stderr)
            return 1
        print(f"loaded {count} postcodes from {args.csv} (column {args.column})")
    elif args.command == "setup-pubsub":
        try:
            created = setup_pubsub(svc, push_urls=dict(args.push_url))
        except ValueError as e:
            print(f"setup-pubsub: {e}", file=sys.stderr)
            return 2
        print(f"created {len(created)} topics and subscriptions")
    elif args.command == "tick":
        print(housekeeping.tick(svc))
    elif args.command == "expire":
        if not svc.settings.emulated:
            # expireAt is exempt from indexing there (firestore.indexes.json).
            print(
                "expire: only for the emulators; production deletes by TTL policy", file=sys.stderr
            )
            return 1
        deleted = expiry.delete_expired(svc)
        print(", ".join(f"{group}: {count}" for group, count in deleted.items()) + " deleted")
    else:
        for account in seed_demo(svc):
            print(f"{account.role:<10} {account.org:<18} {account.email:<24} {account.password}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
