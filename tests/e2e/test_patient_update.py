"""A patient's contact details change: PATCH /api/v1/patients/{id} by clinical staff with a care
relation (audited, all or nothing), and a new referral of a known national id refreshes the
record instead of leaving the old address behind."""
import pytest

from e2e_util import new_patient

HNURSE, PHYS, MNURSE = "sykepleier1", "lege1", "tromso.sentrum2"


@pytest.fixture(scope="module")
def pat(heime):
    zone = heime.org_id("tromso-sentrum")
    body = new_patient(zone=zone, name="Kari Flyttesen", address="Gamleveien 2", lat=69.65,
                       lon=18.95)
    r = heime.post("/api/v1/referrals", user=HNURSE, json={"patient": body})
    assert r.status_code == 201, r.text
    return {"id": r.json()["patient_id"], "episode": r.json()["episode_id"], "body": body,
            "zone": zone}


def test_nurse_changes_phone_and_next_of_kin(heime, pat):
    kin = [{"name": "Ola Flyttesen", "relation": "sønn", "phone": "+47 400 99 001"}]
    r = heime.call("PATCH", f"/api/v1/patients/{pat['id']}", user=HNURSE,
                   json={"phone": "+47 400 99 000", "next_of_kin": kin})
    assert r.status_code == 200, r.text
    p = r.json()
    assert p["phone"] == "+47 400 99 000" and p["next_of_kin"] == kin
    assert p["address"] == "Gamleveien 2"  # what was not named stays
    rows = heime.sql("SELECT action, reason FROM audit WHERE object = ? ORDER BY id DESC LIMIT 2",
                     (f"patient/{pat['id']}",))
    assert ("update", "changed: phone, next_of_kin") in rows


def test_new_address_comes_with_coordinates(heime, pat):
    r = heime.call("PATCH", f"/api/v1/patients/{pat['id']}", user=HNURSE,
                   json={"address": "Nyveien 5", "lat": 69.66, "lon": 18.97})
    assert r.status_code == 200, r.text
    p = r.json()
    assert (p["address"], p["lat"], p["lon"]) == ("Nyveien 5", 69.66, 18.97)


BAD = [
    ({"address": "Nyveien 7"}, "changed together"),
    ({"lat": 69.7, "lon": 18.9}, "changed together"),
    ({"address": "Nyveien 7", "lat": 91, "lon": 18.9}, "lat"),
    ({}, "nothing to change"),
    ({"national_id": "01010112345"}, "national_id"),
    ({"municipality": "Senja"}, "municipality"),
    ({"language": "sv"}, "nb, nn or en"),
    ({"phone": 4740099000}, "phone"),
    ({"next_of_kin": [{"name": "X"}]}, "next_of_kin[0]"),
    ({"name": ""}, "name"),
]


@pytest.mark.parametrize("body,words", BAD)
def test_bad_changes_are_refused_and_change_nothing(heime, pat, body, words):
    heime.login(HNURSE)
    before = heime.counts()
    row = heime.sql("SELECT name, address, lat, lon, phone, language FROM patient WHERE id = ?",
                    (pat["id"],))
    r = heime.call("PATCH", f"/api/v1/patients/{pat['id']}", user=HNURSE, json=body)
    assert r.status_code == 400, r.text
    assert words in r.json()["error"]
    assert heime.counts() == before
    assert heime.sql("SELECT name, address, lat, lon, phone, language FROM patient WHERE id = ?",
                     (pat["id"],)) == row


def test_zone_of_another_municipality_is_refused(heime, pat):
    senja = heime.sql("SELECT id FROM org WHERE kind = 'zone' AND root_id = ? LIMIT 1",
                      (heime.org_id("senja"),))
    other = senja[0][0] if senja else heime.org_id("senja")
    r = heime.call("PATCH", f"/api/v1/patients/{pat['id']}", user=HNURSE, json={"zone": other})
    assert r.status_code in (400, 404), r.text
    assert heime.sql("SELECT zone_id FROM patient WHERE id = ?", (pat["id"],))[0][0] == pat["zone"]


@pytest.mark.parametrize("user,status", [("senja2", 403), ("operator1", 403),
                                          ("logistikk1", 403), ("pasient1", 403)])
def test_who_may_not_change_details(heime, pat, user, status):
    r = heime.call("PATCH", f"/api/v1/patients/{pat['id']}", user=user,
                   json={"phone": "+47 400 00 666"})
    assert r.status_code in (status, 404), r.text
    assert "+47 400 00 666" not in r.text
    assert heime.sql("SELECT phone FROM patient WHERE id = ?", (pat["id"],))[0][0] != "+47 400 00 666"


def test_referral_of_a_known_patient_refreshes_the_record(heime, pat):
    r = heime.post(f"/api/v1/episodes/{pat['episode']}/discontinue", user=PHYS,
                   json={"outcome": "other", "note": "Referred again after a move."})
    assert r.status_code == 200, r.text
    again = dict(pat["body"], name="Kari Flyttesen Berg", address="Fjordgata 9", lat=69.2,
                 lon=17.9, municipality="Senja", phone="+47 400 77 000")
    again.pop("zone")
    r = heime.post("/api/v1/referrals", user=HNURSE, json={"patient": again})
    assert r.status_code == 201, r.text
    assert r.json()["patient_id"] == pat["id"]  # the same person, not a second record
    p = heime.sql("SELECT p.name, p.address, p.lat, p.lon, p.phone, p.zone_id, o.name FROM"
                  " patient p JOIN org o ON o.id = p.municipality_id WHERE p.id = ?",
                  (pat["id"],))[0]
    assert p == ("Kari Flyttesen Berg", "Fjordgata 9", 69.2, 17.9, "+47 400 77 000", None, "Senja")
    rows = heime.sql("SELECT action, reason FROM audit WHERE object = ?", (f"patient/{pat['id']}",))
    assert ("update", "details from a new referral") in rows
