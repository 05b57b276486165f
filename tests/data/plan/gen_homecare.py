#!/usr/bin/python3
"""Generates a synthetic home-care day in heime's JSON problem format (docs/plan-format.md):
visits spread around Tromsø, nurses from two zone offices, pump-trained nurses for fixed-time
bag changes compounded at the office first, two-nurse visits, optional visits, preferred nurses.
All data is synthetic. Usage: gen_homecare.py [VISITS] [NURSES] [SEED] > day.json"""
import json
import random
import sys

def hhmm(m):
    return "%02d:%02d" % (m // 60, m % 60)

def main():
    nv = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    nn = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 5)
    offices = [[69.6496, 18.9560], [69.6812, 18.9290]]
    nurses = []
    for i in range(nn):
        start = hhmm(450 + 30 * (i % 3))            # 07:30, 08:00, 08:30
        end = hhmm(450 + 30 * (i % 3) + 480)
        comps = []
        if i % 3 == 0:
            comps.append("pump")
        if i % 4 == 1:
            comps.append("wound")
        office = offices[i % 2]
        nurses.append({"id": "n%02d" % (i + 1), "start": office, "end": office,
                       "shift_start": start, "shift_end": end,
                       "break": {"from": "11:00", "to": "13:00", "minutes": 30},
                       "competences": comps, "max_work": 450})
    visits, precedences = [], []
    nbag = nv // 10
    for i in range(nv):
        loc = [round(69.60 + rnd.random() * 0.12, 5), round(18.80 + rnd.random() * 0.30, 5)]
        v = {"id": "v%03d" % (i + 1), "location": loc, "duration": rnd.choice([10, 15, 15, 20, 20, 30])}
        if i < nbag:                                  # bag change at a fixed clock time
            v["competences"] = ["pump"]
            v["fixed_time"] = hhmm(480 + 15 * rnd.randrange(0, 26))
            v["tolerance"] = 15
            v["duration"] = 20
        elif i < nbag + nbag // 2:                    # compounding at the office, before a bag change
            v["location"] = offices[0]
            v["competences"] = ["pump"]
            v["windows"] = [{"from": "07:30", "to": "15:00"}]
            v["duration"] = 15
            precedences.append({"before": v["id"], "after": "v%03d" % (i - nbag + 1), "min_gap": 0})
        else:
            a = 450 + 30 * rnd.randrange(0, 12)
            w = rnd.choice([60, 120, 180, 240])
            v["windows"] = [{"from": hhmm(a), "to": hhmm(min(a + w, 930))}]
            if rnd.random() < 0.1:                    # a second chance in the afternoon
                v["windows"].append({"from": "13:30", "to": "15:00"})
                v["windows"][0]["to"] = hhmm(min(a + w, 780))
            if rnd.random() < 0.08:
                v["competences"] = ["wound"]
            if rnd.random() < 0.03:
                v["nurses"] = 2
            if rnd.random() < 0.05:
                v["mandatory"] = False
                v["priority"] = rnd.randrange(1, 10)
            if rnd.random() < 0.12:
                v["preferred_nurse"] = "n%02d" % rnd.randrange(1, nn + 1)
        visits.append(v)
    json.dump({"name": "homecare-%d-%d" % (nv, nn),
               "settings": {"speed_kmh": 35, "road_factor": 1.35, "max_lateness": 30,
                            "max_overtime": 60},
               "nurses": nurses, "visits": visits, "precedences": precedences},
              sys.stdout, indent=1)
    sys.stdout.write("\n")

main()
