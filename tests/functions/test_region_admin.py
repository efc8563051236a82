"""A supervisor runs their own region: referral list, standard texts, advisors.

Played as attacks on the real emulators (Firestore, Auth): personal data and
unsafe links in the lists, a 10,000-character text, an advisor or another
organisation's supervisor trying to edit or to manage accounts, two
supervisors saving at once, and a disabled advisor's very next call.

Before vtchat.regioncontent and vtchat.accounts existed every case here failed:
there were no such entry points (the referral lists changed only with a
deployment, accounts only with the CLI).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from firebase_admin import auth as firebase_auth

from tests.support import Functions, StaffLogin, create_staff
from vtchat.services import Services

pytestmark = pytest.mark.emulators

ORG = "utrecht"
OTHER = "flevoland"

REFERRAL = {
    "name": "Wijkteam Utrecht",
    "description": "Hulp dichtbij huis, gratis.",
    "url": "https://www.wijkteamutrecht.nl/",
    "phone": "030 123 4567",
}
TEXT = {"id": "avond-utrecht", "title": "Ook 's avonds", "body": "Bel gerust {telefoon}."}


def _get(functions: Functions, name: str, who: StaffLogin, **query: Any) -> Any:
    return functions.client(name).get("/", headers=who.headers, query_string=query)


def _save(functions: Functions, who: StaffLogin, *, base: int = 0, **body: Any) -> Any:
    payload = {"baseVersion": base, "referrals": [REFERRAL], "texts": [TEXT], **body}
    return functions.post("savecontent", payload, token=who.id_token)


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    error: dict[str, Any] = response.get_json()["error"]
    assert error["code"] == code, error
    return error


def _auth(path: str) -> str:
    return f"http://{os.environ['FIREBASE_AUTH_EMULATOR_HOST']}{path}"


# -- the content: attacks -------------------------------------------------------------

_ATTACKS = [
    ("referrals.0.url", {"url": "javascript:alert(document.cookie)"}, "https://"),
    ("referrals.0.url", {"url": "JavaScript://%0Aalert(1)"}, "https://"),
    ("referrals.0.url", {"url": "http://www.wijkteamutrecht.nl/"}, "https://"),
    ("referrals.0.url", {"url": "https://beheer:geheim@wijkteam.nl/"}, "wachtwoord"),
    ("referrals.0.url", {"url": "https://192.168.0.1/"}, "IP-adres"),
    ("referrals.0.url", {"url": "https://wijkteam.nl:8443/"}, "geldige link"),
    ("referrals.0.url", {"url": "https://wijkteam.nl/?mail=jan@wijkteam.nl"}, "e-mail"),
    ("referrals.0.description", {"description": "Mail Jan: jan.jansen@gmail.com"}, "e-mail"),
    ("referrals.0.description", {"description": "Mail info [at] wijkteam.nl"}, "e-mail"),
    ("referrals.0.description", {"description": "Bel Jan op 06-1234 5678"}, "telefoon"),
    ("referrals.0.description", {"description": "BSN 123456782 van de cliënt"}, "nummers"),
    ("referrals.0.description", {"description": "Zie http://wijkteam.nl"}, "https://"),
    ("referrals.0.phone", {"phone": "06 12345678"}, "mobiele"),
    ("referrals.0.phone", {"phone": "+31 6 1234 5678"}, "mobiele"),
    ("referrals.0.phone", {"phone": "bel mij"}, "cijfers"),
    ("referrals.0.name", {"name": '<img src=x onerror="alert(1)">'}, "HTML"),
    ("referrals.0.name", {"name": "Wijkteam\u202eUtrecht"}, "tekens"),
    ("referrals.0.description", {"description": "x" * 10_000}, "maximaal 300"),
]


@pytest.mark.parametrize(
    ("field", "change", "says"), _ATTACKS, ids=[f"{f}:{str(c)[:30]}" for f, c, _ in _ATTACKS]
)
def test_an_unsafe_referral_is_refused_at_its_field(
    functions: Functions, field: str, change: dict[str, str], says: str
) -> None:
    supervisor = create_staff(org=ORG, role="supervisor")
    response = _save(functions, supervisor, referrals=[{**REFERRAL, **change}])
    error = _error(response, 422, "invalid_input")
    assert says.lower() in error["fields"][field].lower(), error
    assert _get(functions, "content", supervisor).get_json()["version"] == 0


_TEXT_ATTACKS = [
    ("texts.0.body", {"body": "x" * 10_000}, "maximaal 1500"),
    ("texts.0.body", {"body": "Klik <a href='javascript:alert(1)'>hier</a>"}, "HTML"),
    ("texts.0.body", {"body": "Klik javascript:alert(1)"}, "https://"),
    ("texts.0.body", {"body": "Mail naar a.de.vries@veiligthuis.nl"}, "e-mail"),
    ("texts.0.body", {"body": "Bel ons op 030-2345678"}, "{telefoon}"),
    ("texts.0.body", {"body": "Hallo {naam_bezoeker}"}, "invulplek"),
    ("texts.0.title", {"title": "t" * 61}, "maximaal 60"),
    ("texts.0.id", {"id": "Geen Code!"}, "vorm"),
]


@pytest.mark.parametrize(
    ("field", "change", "says"),
    _TEXT_ATTACKS,
    ids=[f"{f}:{str(c)[:30]}" for f, c, _ in _TEXT_ATTACKS],
)
def test_an_unsafe_text_is_refused_at_its_field(
    functions: Functions, field: str, change: dict[str, str], says: str
) -> None:
    supervisor = create_staff(org=ORG, role="supervisor")
    response = _save(functions, supervisor, texts=[{**TEXT, **change}])
    error = _error(response, 422, "invalid_input")
    assert says.lower() in error["fields"][field].lower(), error


def test_lists_have_a_limit_and_national_ids_are_not_taken(functions: Functions) -> None:
    supervisor = create_staff(org=ORG, role="supervisor")
    too_many = _save(functions, supervisor, referrals=[REFERRAL] * 16)
    assert "15" in _error(too_many, 422, "invalid_input")["fields"]["referrals"]
    twice = _save(functions, supervisor, texts=[TEXT, TEXT])
    assert "dezelfde code" in _error(twice, 422, "invalid_input")["fields"]["texts"]
    national = _save(functions, supervisor, texts=[{**TEXT, "id": "welkom"}])
    assert "landelijke" in _error(national, 422, "text_id_taken")["fields"]["texts.0.id"]
    # The organisation comes from the token, never from the request.
    other = _save(functions, supervisor, org=OTHER)
    assert _error(other, 422, "invalid_input")["fields"]["org"] == "Dit veld kennen we niet."


# -- the content: who may ------------------------------------------------------------


def test_advisors_and_national_accounts_cannot_edit_or_manage(functions: Functions) -> None:
    for role in ("advisor", "national"):
        who = create_staff(org=ORG, role=role)
        _error(_get(functions, "content", who), 403, "not_supervisor")
        _error(_save(functions, who), 403, "not_supervisor")
        _error(_get(functions, "team", who), 403, "not_supervisor")
        invite = {"email": f"nieuw-{role}@utrecht.test", "displayName": "Nieuw"}
        _error(functions.post("invite", invite, token=who.id_token), 403, "not_supervisor")
        colleague = create_staff(org=ORG)
        body = {"uid": colleague.uid, "disabled": True}
        _error(functions.post("disable", body, token=who.id_token), 403, "not_supervisor")


def test_a_saved_list_is_served_for_that_region_only(functions: Functions) -> None:
    supervisor = create_staff(org=ORG, role="supervisor")
    saved = _save(functions, supervisor)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["version"] == 1
    regions = {r["id"]: r for r in functions.client("regions").get("/").get_json()["regions"]}
    assert regions[ORG]["referrals"][0]["name"] == "Wijkteam Utrecht"
    assert regions[ORG]["referrals"][0]["phone"] == "030 123 4567"
    assert all(r["name"] != "Wijkteam Utrecht" for r in regions[OTHER]["referrals"])
    # The organisation's advisors get its texts after the national ones.
    advisor = create_staff(org=ORG)
    texts = [t["id"] for t in _get(functions, "texts", advisor).get_json()["texts"]]
    assert texts[0] == "welkom" and texts[-1] == "avond-utrecht"
    stranger = create_staff(org=OTHER)
    assert "avond-utrecht" not in str(_get(functions, "texts", stranger).get_json())


def test_another_organisations_supervisor_sees_and_touches_none_of_it(
    functions: Functions,
) -> None:
    ours = create_staff(org=ORG, role="supervisor")
    assert _save(functions, ours).status_code == 200
    theirs = create_staff(org=OTHER, role="supervisor")
    seen = _get(functions, "content", theirs).get_json()
    assert seen["org"] == OTHER and seen["version"] == 0 and seen["history"] == []
    assert "Wijkteam" not in str(seen)
    # Their save writes their own organisation's list, never ours.
    assert _save(functions, theirs, referrals=[]).get_json()["org"] == OTHER
    assert _get(functions, "content", ours).get_json()["referrals"][0]["name"] == REFERRAL["name"]


# -- versions ---------------------------------------------------------------------------


def test_a_stale_save_gets_409_and_every_version_keeps_who_and_when(
    functions: Functions, svc: Services
) -> None:
    first = create_staff(org=ORG, role="supervisor", name="Sanne")
    second = create_staff(org=ORG, role="supervisor", name="Karim")
    assert _save(functions, first).status_code == 200
    # Karim edited version 0 too: his save must not overwrite Sanne's.
    stale = _save(functions, second, referrals=[{**REFERRAL, "name": "Buurtteam"}])
    error = _error(stale, 409, "content_stale")
    assert "Sanne" in error["message"] and "nog in het formulier" in error["message"]
    assert error["details"]["version"] == 1 and error["details"]["savedByName"] == "Sanne"
    shown = _get(functions, "content", second).get_json()
    assert shown["referrals"][0]["name"] == "Wijkteam Utrecht"
    # On the current version his save goes through.
    again = _save(functions, second, base=1, referrals=[{**REFERRAL, "name": "Buurtteam"}])
    assert again.status_code == 200
    history = again.get_json()["history"]
    assert [(v["version"], v["savedByName"]) for v in history] == [(2, "Karim"), (1, "Sanne")]
    old = _get(functions, "content", second, version=1).get_json()
    assert old["referrals"][0]["name"] == "Wijkteam Utrecht" and old["savedByName"] == "Sanne"
    _error(_get(functions, "content", second, version=9), 404, "version_unknown")
    stored = svc.store.content_versions(ORG).document("1").get().to_dict() or {}
    assert stored["savedBy"] == first.uid and stored["savedAt"] is not None


def test_two_supervisors_saving_at_once_lose_nothing(functions: Functions) -> None:
    supervisors = [create_staff(org=ORG, role="supervisor") for _ in range(2)]
    answers: list[int] = []

    def save(who: StaffLogin) -> None:
        body = {"baseVersion": 0, "referrals": [{**REFERRAL, "name": who.uid}], "texts": []}
        client = Functions()
        answers.append(client.post("savecontent", body, token=who.id_token).status_code)

    threads = [threading.Thread(target=save, args=(who,)) for who in supervisors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 409]
    assert _get(functions, "content", supervisors[0]).get_json()["version"] == 1


# -- accounts ---------------------------------------------------------------------------


def _set_password(link: str, password: str) -> None:
    """What the invited advisor does on the page the link opens (the emulator's REST call)."""
    code = parse_qs(urlsplit(link).query)["oobCode"][0]
    requests.post(
        _auth("/identitytoolkit.googleapis.com/v1/accounts:resetPassword?key=fake"),
        json={"oobCode": code, "newPassword": password},
        timeout=10,
    ).raise_for_status()


def _sign_in(email: str, password: str) -> requests.Response:
    return requests.post(
        _auth("/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=fake"),
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=10,
    )


def test_an_invited_advisor_gets_the_claims_and_a_working_link(
    functions: Functions, svc: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    supervisor = create_staff(org=ORG, role="supervisor")
    capsys.readouterr()
    body = {"email": "Nieuwe.Adviseur@Utrecht.test", "displayName": "Noor", "languages": ["en"]}
    answer = functions.post("invite", body, token=supervisor.id_token)
    assert answer.status_code == 201, answer.get_json()
    invited = answer.get_json()
    uid = invited["account"]["uid"]
    user = firebase_auth.get_user(uid, app=svc.firebase_app)
    assert user.custom_claims == {"role": "advisor", "org": ORG, "langs": ["nl", "en"]}
    assert user.email == "nieuwe.adviseur@utrecht.test" and user.email_verified
    logged = capsys.readouterr().out
    assert uid in logged and "staff_invited" in logged and "utrecht.test" not in logged

    _set_password(invited["link"], "een-goed-wachtwoord")
    signed_in = _sign_in("nieuwe.adviseur@utrecht.test", "een-goed-wachtwoord")
    assert signed_in.status_code == 200
    headers = {"Authorization": f"Bearer {signed_in.json()['idToken']}"}
    assert functions.client("texts").get("/", headers=headers).status_code == 200

    listed = _get(functions, "team", supervisor).get_json()["accounts"]
    assert {a["uid"] for a in listed} >= {uid, supervisor.uid}
    # Again: the same advisor, a new link, nothing else changed.
    repeat = functions.post("invite", body, token=supervisor.id_token)
    assert repeat.status_code == 200 and repeat.get_json()["account"]["uid"] == uid


def test_invitations_make_advisors_of_the_own_organisation_only(
    functions: Functions, svc: Services
) -> None:
    supervisor = create_staff(org=ORG, role="supervisor")
    promote = {"email": "baas@utrecht.test", "displayName": "Baas", "role": "supervisor"}
    response = functions.post("invite", promote, token=supervisor.id_token)
    assert _error(response, 422, "invalid_input")["fields"]["role"]
    foreign = create_staff(org=OTHER)
    taken = {"email": foreign.email, "displayName": "Overname"}
    _error(functions.post("invite", taken, token=supervisor.id_token), 409, "account_exists")
    claims = firebase_auth.get_user(foreign.uid, app=svc.firebase_app).custom_claims
    assert claims == {"role": "advisor", "org": OTHER}
    colleague = create_staff(org=ORG, role="supervisor")
    same = {"email": colleague.email, "displayName": "Collega"}
    _error(functions.post("invite", same, token=supervisor.id_token), 409, "account_exists")
    listed = {a["uid"] for a in _get(functions, "team", supervisor).get_json()["accounts"]}
    assert foreign.uid not in listed


def test_a_disabled_advisor_is_refused_at_the_very_next_call(
    functions: Functions, svc: Services
) -> None:
    supervisor = create_staff(org=ORG, role="supervisor")
    advisor = create_staff(org=ORG)
    assert _get(functions, "texts", advisor).status_code == 200
    # validSince has whole seconds: a token of the same second would still count as valid.
    time.sleep(1.1)
    body = {"uid": advisor.uid, "disabled": True}
    answer = functions.post("disable", body, token=supervisor.id_token)
    assert answer.status_code == 200 and answer.get_json()["disabled"] is True
    _error(_get(functions, "texts", advisor), 401, "staff_disabled")
    # Their refresh token mints nothing either.
    user = firebase_auth.get_user(advisor.uid, app=svc.firebase_app)
    assert user.disabled and user.tokens_valid_after_timestamp > 0
    assert _sign_in(advisor.email, advisor.password).status_code == 400
    # Enabled again: a new sign-in works; the token from before stays revoked.
    time.sleep(1.1)
    enabled = functions.post("disable", {**body, "disabled": False}, token=supervisor.id_token)
    assert enabled.get_json()["disabled"] is False
    fresh = _sign_in(advisor.email, advisor.password)
    assert fresh.status_code == 200
    headers = {"Authorization": f"Bearer {fresh.json()['idToken']}"}
    assert functions.client("texts").get("/", headers=headers).status_code == 200
    _error(_get(functions, "texts", advisor), 401, "staff_revoked")


def test_no_supervisor_touches_their_own_a_supervisors_or_another_orgs_account(
    functions: Functions, svc: Services
) -> None:
    supervisor = create_staff(org=ORG, role="supervisor")
    own = {"uid": supervisor.uid, "disabled": True}
    _error(functions.post("disable", own, token=supervisor.id_token), 403, "own_account")
    for target in (create_staff(org=ORG, role="supervisor"), create_staff(org=OTHER)):
        body = {"uid": target.uid, "disabled": True}
        _error(functions.post("disable", body, token=supervisor.id_token), 404, "account_unknown")
        assert not firebase_auth.get_user(target.uid, app=svc.firebase_app).disabled
    nobody = {"uid": "doesNotExist123", "disabled": True}
    _error(functions.post("disable", nobody, token=supervisor.id_token), 404, "account_unknown")
