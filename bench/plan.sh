#!/bin/bash
# bench/plan.sh: the planner's quality benchmark. Solves each VRPTW instance with `heime plan`
# (DIMACS distance convention, --objective distance, at most the instance's VEHICLES) and prints
# a table of instance, vehicles, distance, best-known distance and gap, then the averages.
#
# usage: bench/plan.sh [SET...]          SET: solomon, gh200, homecare (default all), or .vrp paths
# homecare: the 400-visit / 30-nurse day of tests/data/plan/homecare-400.json, solved with 1 s,
# with the time limit for each seed of HC_SEEDS and with HC_LONG seconds for each seed of
# HC_LONG_SEEDS; prints each run's time to a feasible plan, objective, travel, unserved and
# lateness, then both mean objectives with their standard errors and the convergence verdict:
# the mean at the time limit within 0.5 % of the mean at HC_LONG seconds. One run's objective
# depends on its seed by about +-1 %, so the verdict takes many seeds (12 and 4: the gap is
# then known to about +-0.5 %; 12 x 10 s + 4 x 60 s = 6 min of CPU, 3 min with JOBS=2).
# env:   HEIME=path/to/heime (default: build/src/cli/heime), TIME_LIMIT=10, JOBS=2, SEED=1,
#        HC_LONG=60, HC_SEEDS="1 2 ... 12", HC_LONG_SEEDS="1 2 3 4"
#        HEIME_PLAN_CLOCK=cpu: time limits count each solve's CPU time instead of wall time, for
#        a fair run on a machine that other jobs share (the table then says so)
#        DATA=dir holding solomon/, gh200/ and bks.csv (default: ../shared/data/vrptw beside the repo)
# Each solve is one thread; JOBS instances run side by side (the machine has 2 cores).
set -euo pipefail
root="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
DATA="${DATA:-$root/../shared/data/vrptw}"
# from a worktree under wt/ the shared data sits one level further up
[ -f "$DATA/bks.csv" ] || [ ! -f "$root/../../shared/data/vrptw/bks.csv" ] || DATA="$root/../../shared/data/vrptw"
HEIME="${HEIME:-$root/build/src/cli/heime}"
TIME_LIMIT="${TIME_LIMIT:-10}"
JOBS="${JOBS:-2}"
SEED="${SEED:-1}"
HC_LONG="${HC_LONG:-60}"
HC_SEEDS="${HC_SEEDS:-1 2 3 4 5 6 7 8 9 10 11 12}"
HC_LONG_SEEDS="${HC_LONG_SEEDS:-1 2 3 4}"
[ -x "$HEIME" ] || { echo "bench/plan.sh: no heime binary at $HEIME (build first or set HEIME)" >&2; exit 2; }
[ -f "$DATA/bks.csv" ] || { echo "bench/plan.sh: no benchmark data at $DATA" >&2; exit 2; }
[ $# -eq 0 ] && set -- solomon gh200 homecare
echo "clock: ${HEIME_PLAN_CLOCK:-wall} seconds, time limit $TIME_LIMIT s, seed $SEED, $JOBS solves side by side"

files=()
homecare=0
for s in "$@"; do
    if [ "$s" = homecare ]; then
        homecare=1
    elif [ -d "$DATA/$s" ]; then
        for f in "$DATA/$s"/*.vrp; do files+=("$f"); done
    elif [ -f "$s" ]; then
        files+=("$s")
    else
        echo "bench/plan.sh: unknown set or file '$s'" >&2; exit 2
    fi
done

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
if [ "$homecare" = 1 ]; then
    day="$root/tests/data/plan/homecare-400.json"
    echo "home-care day: $(basename "$day") (400 visits, 30 nurses)"
    hc_py=$(cat <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))
print(f"  limit {sys.argv[1]:>4} s, seed {sys.argv[3]}: feasible {r['feasible']}, "
      f"first feasible after {r['time_to_feasible']:.2f} s, objective {r['objective']:.1f}, "
      f"travel {r['travel_minutes']:.0f} min, continuity misses {r['continuity_misses']}, "
      f"unserved {len(r['unserved'])}, lateness {r['lateness_minutes']:.0f} min, "
      f"overtime {r['overtime_minutes']:.0f} min, nurses {r['vehicles']}, "
      f"iterations {r['iterations']}, best found after {r['time_to_best']:.2f} s")
PY
)
    # convergence: the TIME_LIMIT runs over HC_SEEDS against the HC_LONG runs over HC_LONG_SEEDS
    # (objective = the solver's weighted sum: travel + continuity, plus lateness, overtime,
    # unserved if any); the long runs go first so that the side-by-side solves end together
    runs=()
    for s in $HC_LONG_SEEDS; do runs+=("$HC_LONG $s"); done
    for s in $HC_SEEDS; do runs+=("$TIME_LIMIT $s"); done
    runs+=("1 1")
    export HEIME day out
    printf '%s\n' "${runs[@]}" | xargs -P "$JOBS" -L 1 bash -c \
        '"$HEIME" plan --instance "$day" --time-limit "$0" --seed "$1" > "$out/hc-$0-$1.json"'
    for r in "1 1" "${runs[@]:0:${#runs[@]}-1}"; do
        set -- $r
        /usr/bin/python3 -c "$hc_py" "$1" "$out/hc-$1-$2.json" "$2"
    done
    /usr/bin/python3 - "$out" "$TIME_LIMIT" "$HC_LONG" "$HC_SEEDS" "$HC_LONG_SEEDS" <<'PY'
import json, math, sys
out, short, long_ = sys.argv[1], sys.argv[2], sys.argv[3]
sa, sb = sys.argv[4].split(), sys.argv[5].split()
obj = lambda tl, s: json.load(open(f"{out}/hc-{tl}-{s}.json"))["objective"]
def stats(tl, seeds):
    x = [obj(tl, s) for s in seeds]
    m = sum(x) / len(x)
    sd = math.sqrt(sum((v - m) ** 2 for v in x) / (len(x) - 1)) if len(x) > 1 else 0.0
    return x, m, sd / math.sqrt(len(x))
a, ma, ea = stats(short, sa)
b, mb, eb = stats(long_, sb)
for tl, seeds, x, m, e in ((short, sa, a, ma, ea), (long_, sb, b, mb, eb)):
    print(f"  {tl:>4} s, seeds {seeds[0]}-{seeds[-1]}: " + " ".join(f"{v:.1f}" for v in x) +
          f"; mean {m:.1f} +- {e:.1f} (standard error)")
gap = 100 * (ma - mb) / mb
# the gap's standard error from both means' (the long runs' seeds differ from the short ones')
egap = 100 * math.hypot(ea, eb) / mb
print(f"  convergence: mean objective {ma:.1f} at {short} s ({len(a)} seeds), {mb:.1f} at "
      f"{long_} s ({len(b)} seeds): {gap:+.2f} % +- {egap:.2f} %; "
      f"{'converged' if gap <= 0.5 else 'NOT converged'} (criterion: within 0.5 %)")
PY
    echo
fi
[ ${#files[@]} -eq 0 ] && exit 0
export HEIME TIME_LIMIT SEED out
printf '%s\n' "${files[@]}" | xargs -P "$JOBS" -I{} bash -c \
    'f="{}"; b="$(basename "$f" .vrp)"; "$HEIME" plan --instance "$f" --distance dimacs \
       --objective distance --time-limit "$TIME_LIMIT" --seed "$SEED" > "$out/$b.json"'

/usr/bin/python3 - "$DATA/bks.csv" "$out" "${files[@]}" <<'PY'
import csv, json, os, sys
bks = {r["instance"]: r for r in csv.DictReader(open(sys.argv[1]))}
out = sys.argv[2]
groups = {}
print(f"| {'instance':<10} | {'vehicles':>8} | {'distance':>9} | {'BKS':>9} | {'gap %':>6} | {'t_best s':>8} |")
print(f"|{'-'*12}|{'-'*10}|{'-'*11}|{'-'*11}|{'-'*8}|{'-'*10}|")
for f in sys.argv[3:]:
    name = os.path.basename(f)[:-4]
    group = os.path.basename(os.path.dirname(f))
    r = json.load(open(os.path.join(out, name + ".json")))
    ref = float(bks[name]["dimacs_dist_trunc1"]) if name in bks else None
    dist = r["distance"]
    gap = 100.0 * (dist - ref) / ref if ref and r["feasible"] else None
    if gap is not None:
        groups.setdefault(group, []).append(gap)
    flag = "" if r["feasible"] else " INFEASIBLE"
    print(f"| {name:<10} | {r['vehicles']:>8} | {dist:>9.1f} | {ref if ref else '-':>9} | "
          f"{gap if gap is not None else float('nan'):>6.2f} | {r.get('time_to_best', 0):>8.2f} |{flag}")
print()
for g, gaps in groups.items():
    print(f"{g}: {len(gaps)} instances, average gap {sum(gaps)/len(gaps):.3f} %, "
          f"max {max(gaps):.3f} %, above 1 %: {sum(1 for x in gaps if x > 1.0)}")
PY
