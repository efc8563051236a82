"""`make demo`: seed the local stack and show a visitor and an advisor talking.

Runs inside `emulators/stack.py exec`, so the emulators and the functions are
up. It loads the postcode table (the reference table from ../shared/data when
present, else the small sample), creates the demo advisors, plays one short
conversation in the terminal and then keeps the stack running until Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

import requests

from vtchat import expiry, topics
from vtchat.admin import DEMO_ACCOUNTS, load_postcodes, seed_demo, setup_pubsub
from vtchat.services import Services, services

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder is on the path and the repository is not.
sys.path.insert(0, str(ROOT))

from emulators import functions_plan, serve_web  # noqa: E402
from emulators.demo_figures import seed_figures  # noqa: E402
from emulators.visitor import post_intake  # noqa: E402

SHARED_PC4 = ROOT.parent / "shared" / "data" / "pc4_veilig_thuis.csv"
SAMPLE_PC4 = ROOT / "emulators" / "data" / "pc4_sample.csv"


def say(who: str, text: str) -> None:
    print(f"  {who:<22} {text}", flush=True)


def sign_in(email: str, password: str) -> str:
    host = os.environ["FIREBASE_AUTH_EMULATOR_HOST"]
    response = requests.post(
        f"http://{host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo",
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=10,
    )
    response.raise_for_status()
    return str(response.json()["idToken"])


def follow_stream(stream_url: str, token: str, done: threading.Event) -> None:
    """Print the visitor's event stream as the widget would receive it (not through Hosting)."""
    with requests.get(
        stream_url, headers={"Authorization": f"Bearer {token}"}, stream=True, timeout=60
    ) as response:
        for raw in response.iter_lines():
            line = raw.decode("utf-8")
            if line.startswith("data: "):
                event: dict[str, Any] = json.loads(line[6:])
                if "position" in event:
                    say("[stream → bezoeker]", f"je bent nummer {event['position']} in de rij")
                elif event["type"] == "assigned":
                    say(
                        "[stream → bezoeker]",
                        f"je chat met {event['advisorName']} ({event['orgName']})",
                    )
                elif event["type"] == "message" and event["sender"] == "advisor":
                    say("[stream → bezoeker]", f"{event['advisorName']}: {event['text']}")
                elif event["type"] == "ended":
                    say("[stream → bezoeker]", "het gesprek is beëindigd")
                    break
    done.set()


def conversation(api: str) -> None:
    anna = next(a for a in DEMO_ACCOUNTS if a.display_name == "Anna")
    advisor = {"Authorization": f"Bearer {sign_in(anna.email, anna.password)}"}
    answer = post_intake(
        api, {"nickname": "Vlinder", "age": 24, "gender": "woman", "postcode": "3511"}
    )
    if answer.status_code == 409:
        # Outside Utrecht's hours the honest answer is the refusal itself.
        error = answer.json()["error"]
        say("bezoeker", "start een chat via postcode 3511 → Utrecht is nu gesloten:")
        say("", error["message"])
        say("", "openingstijden: " + "; ".join(error["details"]["hours"]))
        say("", "(make demo OPEN=always start de demo met een altijd geopend rooster)")
        return
    intake = answer.json()
    visitor = {"Authorization": f"Bearer {intake['token']}"}
    sid = intake["sessionId"]
    say("bezoeker", f"start een chat via postcode 3511 → {intake['region']['name']}")
    done = threading.Event()
    threading.Thread(
        target=follow_stream, args=(intake["streamUrl"], intake["token"], done), daemon=True
    ).start()
    time.sleep(0.5)
    requests.post(f"{api}/availability", json={"status": "online"}, headers=advisor, timeout=10)
    say("Anna (adviseur)", "zet zich online en krijgt de chat toegewezen")
    time.sleep(0.5)

    def send(headers: dict[str, str], text: str) -> None:
        body = {"sessionId": sid, "messageId": str(uuid.uuid4()), "text": text}
        requests.post(f"{api}/messages", json=body, headers=headers, timeout=10).raise_for_status()

    send(visitor, "Mijn buurvrouw wordt steeds uitgescholden. Moet ik iets doen?")
    say("bezoeker", "Mijn buurvrouw wordt steeds uitgescholden. Moet ik iets doen?")
    time.sleep(0.5)
    send(advisor, "Goed dat je contact opneemt. Wat hoor of zie je precies?")
    time.sleep(0.5)
    requests.post(f"{api}/end", json={"sessionId": sid}, headers=advisor, timeout=10)
    done.wait(timeout=10)


def show_status(api: str) -> None:
    regions = requests.get(f"{api}/status", timeout=10).json()["regions"]
    open_now = [r["name"].removeprefix("Veilig Thuis ") for r in regions if r["open"]]
    print(f"\nNu open ({len(open_now)} van {len(regions)}): {', '.join(open_now) or 'geen'}")


def tick_loop(svc: Services, every: float) -> None:
    """Cloud Scheduler's part: publish to the tick topic, which pushes to /api/tick.

    And TTL's part, which the emulator lacks: delete what has expired.
    """
    topic = svc.publisher.topic_path(svc.settings.project_id, topics.TICK_TOPIC)
    while True:
        time.sleep(every)
        with contextlib.suppress(Exception):
            svc.publisher.publish(topic, b"{}").result(timeout=10)
        with contextlib.suppress(Exception):
            deleted = expiry.delete_expired(svc)
            if any(deleted.values()):
                say("[ttl]", ", ".join(f"{g}: {n}" for g, n in deleted.items()) + " verlopen")


def main() -> int:
    api = os.environ["VTCHAT_API_URL"]
    svc = services()
    table = SHARED_PC4 if SHARED_PC4.exists() else SAMPLE_PC4
    count = load_postcodes(svc, path=table, column="veilig_thuis_26")
    print(f"Postcodes: {count} geladen uit {table}")
    print("\nDemo-adviseurs (Auth-emulator):")
    for account in seed_demo(svc):
        print(f"  {account.role:<10} {account.org:<18} {account.email:<24} {account.password}")
    made = seed_figures(svc)
    print(f"\nCijfers: {made} synthetische anonieme gespreksrecords over de afgelopen 12 weken")
    api_address = urllib.parse.urlsplit(api)
    assert api_address.hostname is not None and api_address.port is not None
    setup_pubsub(svc, push_urls=functions_plan.push_urls(api_address.hostname, api_address.port))
    every = float(os.environ.get("VTCHAT_DEMO_TICK_SECONDS", "15"))
    threading.Thread(target=tick_loop, args=(svc, every), daemon=True).start()
    show_status(api)
    print("\nEen kort gesprek via de functies:")
    conversation(api)
    try:
        web = serve_web.start()
        host, port = str(web.server_address[0]), web.server_address[1]
        print(f"\nDe widget op een voorbeeldpagina: http://{host}:{port}/")
        print(f"De console voor adviseurs en supervisors: http://{host}:{port}/console/")
    except (FileNotFoundError, OSError) as e:
        print(f"\nDe widget kon niet worden geserveerd: {e}")
    print(f"\nDe chat draait lokaal: {api}/<naam>  (Ctrl-C stopt alles)")
    print(
        f"Elke {every:g} s een tick via Pub/Sub → {api}/tick (aanwezigheid, fall-back, "
        "sluitingstijd) en het opruimen van verlopen gegevens (TTL)"
    )
    with contextlib.suppress(KeyboardInterrupt):
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
