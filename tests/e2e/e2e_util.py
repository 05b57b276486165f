"""Helpers shared by the end-to-end tests: synthetic national ids, dates in Europe/Oslo, a
regimen builder and the eligibility items of the IV-antibiotics pathway."""
import datetime
import itertools
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

ELIGIBILITY = ("needs_long_iv_treatment", "stable_and_cleared", "language_and_senses",
               "handles_pump", "central_line", "participating_municipality")


def _check(digits, weights):
    k = 11 - sum(int(d) * w for d, w in zip(digits, weights)) % 11
    return 0 if k == 11 else k


def with_check_digits(first9):
    """The 11-digit id for 9 leading digits, or None when a check digit would be 10."""
    k1 = _check(first9, W1)
    if k1 == 10:
        return None
    k2 = _check(first9 + str(k1), W2)
    if k2 == 10:
        return None
    return first9 + str(k1) + str(k2)


_used = set()
_counter = itertools.count(100)


def synthetic_natid(year=1961, month=3, day=14):
    """A SYNTHETIC fødselsnummer: month + 80 marks it as test data (belongs to nobody); both
    mod-11 check digits valid. Each call gives a new one."""
    while True:
        ind = next(_counter)
        if ind > 999:
            raise RuntimeError("out of individual numbers")
        first9 = f"{day:02d}{month + 80:02d}{year % 100:02d}{ind:03d}"
        nid = with_check_digits(first9)
        if nid and nid not in _used:
            _used.add(nid)
            return nid


def break_check_digit(nid):
    """The same id with its last check digit changed: fails validation."""
    return nid[:10] + str((int(nid[10]) + 1) % 10)


def impossible_date_natid():
    """An id with valid check digits but the birth date 31 February (synthetic month 82)."""
    for ind in range(100, 1000):
        nid = with_check_digits(f"318262{ind:03d}")
        if nid:
            return nid
    raise RuntimeError("no id found")


def oslo_today():
    return datetime.datetime.now(OSLO).date()


def oslo_clock(iso):
    """'2026-11-25T07:30:00+01:00' or '...Z' -> (date, 'HH:MM') in Europe/Oslo."""
    t = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(OSLO)
    return t.date(), t.strftime("%H:%M")


def regimen(drug="ceftriaxone", bags=1, times=("08:00",), start=None, days=21, **over):
    start = start or oslo_today()
    r = {
        "drug": drug, "dose": 2, "dose_unit": "g", "interval_hours": 24 if bags == 1 else 12,
        "infusion_minutes": 30, "bags_per_day": bags, "bag_change_times": list(times),
        "line_type": "PICC", "line_inserted": str(start), "start_date": str(start),
        "end_date": str(start + datetime.timedelta(days=days - 1)),
        "vitals_times": ["09:00"], "labs": {"weekdays": ["mon", "thu"], "time": "08:00"},
    }
    r.update(over)
    return r


def new_patient(municipality="Tromsø", zone=None, **over):
    p = {
        "national_id": synthetic_natid(), "name": "Test Testesen", "address": "Testveien 1",
        "lat": 69.65, "lon": 18.95, "municipality": municipality, "language": "nb",
        "phone": "+47 400 11 222",
        "next_of_kin": [{"name": "Pårørende Test", "relation": "datter", "phone": "+47 400 11 223"}],
    }
    if zone is not None:
        p["zone"] = zone
    p.update(over)
    return p
