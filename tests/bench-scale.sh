#!/bin/bash
# The statistics and the lists at province scale: times the summary, the
# count details of every point, one point's drill-down, the scores of every
# point, the information-list export and the first page of every list the
# UI calls (as province, a city, a point and the editor) against a database filled by tests/scale/gen.py
# (10,000 points, 200,000 people and enterprises, 1,000,000 submissions),
# each next to GET /api/health (the baseline) measured in the same run, and
# the memory of the yujing process while doing them. Prints the figures and
# ok/OVER against the targets; exits 0 unless a request failed (a missed
# target is printed, not a failure). See tests/scale/README.md.
set -eu

usage() {
	cat <<'EOF'
usage: tests/bench-scale.sh [options]
  --name NAME                stack name (default scale)
  --port N                   HTTP port (default: the stack's)
  --runs N                   timed requests per entry, after one warm-up (default 10)
  --year Y                   year of the statistics (default 2025)
  --submissions N            the scale to measure at (default 1000000)
  --points N                 for --generate (default 10000)
  --people-enterprises N     for --generate (default 200000)
  --generate                 when the database holds fewer than --submissions
                             submissions, fill it first with
                             tests/scale/gen.py --reset (else: stop and say so)
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

name=scale port="" runs=10 year=2025 submissions=1000000 points=10000 members=200000 generate=no
while [ $# -gt 0 ]; do
	case $1 in
	--name) name=${2:?--name needs a value}; shift ;;
	--port) port=${2:?--port needs a value}; shift ;;
	--runs) runs=${2:?--runs needs a value}; shift ;;
	--year) year=${2:?--year needs a value}; shift ;;
	--submissions) submissions=${2:?--submissions needs a value}; shift ;;
	--points) points=${2:?--points needs a value}; shift ;;
	--people-enterprises) members=${2:?--people-enterprises needs a value}; shift ;;
	--generate) generate=yes ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
for v in "$runs" "$year" "$submissions" "$points" "$members"; do
	case $v in ''|*[!0-9]*) usage >&2; exit 2 ;; esac
done
[ "$runs" -ge 1 ] || { usage >&2; exit 2; }

die() { printf 'bench-scale: %s\n' "$*" >&2; exit 2; }

RUN=$ROOT/.run/$name
[ -f "$RUN/stack.env" ] || die "no stack \"$name\"; start it: tests/stack.sh up --name $name --port 18120"
recorded() { sed -n "s/^$1=//p" "$RUN/stack.env"; }
port=${port:-$(recorded PORT)}
db_socket=$(recorded DB_SOCKET)
threads=$(recorded THREADS)
url=http://127.0.0.1:$port
sql() {
	mariadb --no-defaults --socket="$db_socket" -u root --default-character-set=utf8mb4 \
	    -N -B yujing -e "$1"
}

code=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/health") || true
[ "$code" = 200 ] || die "GET $url/api/health answered $code; is the stack up? (tests/stack.sh status --name $name)"

have=$(sql "SELECT COUNT(*) FROM submissions") || die "cannot read the stack's database"
if [ "$have" -lt "$submissions" ]; then
	[ "$generate" = yes ] || die "the database holds $have submissions, fewer than $submissions: fill it with
  tests/scale/gen.py --name $name --reset --submissions $submissions
or run this again with --generate"
	echo "the database holds $have submissions; generating (tests/scale/gen.py --reset)"
	python3 "$ROOT/tests/scale/gen.py" --name "$name" --reset --points "$points" \
	    --people-enterprises "$members" --submissions "$submissions" || die "the generator failed"
	echo
fi

# What the answers must say: the formal points, the busiest formal point's
# warning info of the year (the drill-down) and its number.
formal=$(sql "SELECT COUNT(*) FROM points WHERE status = '正式'")
read -r busy busy_n <<<"$(sql "SELECT r.point_id, COUNT(*) FROM stat_records r
    JOIN points p ON p.id = r.point_id AND p.status = '正式'
    WHERE r.year = $year AND r.metric = 'warning_info'
    GROUP BY r.point_id ORDER BY COUNT(*) DESC, r.point_id LIMIT 1")"
[ -n "${busy:-}" ] || die "no formal point has warning info in $year: generate the data first"
read -r n_points n_members n_subs n_stats <<<"$(sql "SELECT (SELECT COUNT(*) FROM points),
    (SELECT COUNT(*) FROM point_people) + (SELECT COUNT(*) FROM point_enterprises),
    (SELECT COUNT(*) FROM submissions), (SELECT COUNT(*) FROM stat_records)")"

pid=$(cat "$RUN/yujing.pid" 2>/dev/null) || die "no $RUN/yujing.pid"
[ -r "/proc/$pid/status" ] || die "yujing (pid $pid) does not run"
mem() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }
rss_before=$(mem VmRSS) hwm_before=$(mem VmHWM)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One cookie jar per demo account: province for the statistics, and the
# lists as each role's UI calls them (admin: the accounts).
for who in province hangzhou jiande editor admin; do
	code=$(curl -s -o "$tmp/login" -w '%{http_code}' -c "$tmp/jar-$who" -H 'Content-Type: application/json' \
	    --data "{\"username\":\"$who\",\"password\":\"Demo#2019\"}" "$url/api/session") || true
	[ "$code" = 200 ] || die "login as $who answered $code, not 200 (demo data loaded?)"
done

# Reset the peak so that VmHWM after the run is the peak of the requests
# measured (not of the login: its argon2id hash takes 64 MB for a moment).
if echo 5 >"/proc/$pid/clear_refs" 2>/dev/null; then
	peak_note="peak during this run"
else
	peak_note="peak since yujing started"
fi

# The entries: NAME TARGET CHECK ACCOUNT PATH. The first is the baseline.
# TARGET is milliseconds, or NNNx: that many times the baseline's median.
# The lists are the first page of each list the UI calls, with the
# filters the UI sends (nginx/ui/src/areas), as the account that sees it.
entries=(
	"health - health province /api/health"
	"summary - summary province /api/stats/summary?year=$year"
	"count-details 300 points province /api/stats/points?year=$year&per_page=20000"
	"drill-down 20 records province /api/stats/points/$busy/records?year=$year&metric=warning_info"
	"scores 500 points province /api/scores?year=$year&per_page=20000"
	"export-xlsx 2000 xlsx province /api/exports/info-list.xlsx?year=$year"
	"l-all 100x list province /api/submissions"
	"l-warnings 100x list province /api/submissions?type=warning_info&state=approved"
	"l-posts 100x list province /api/submissions?type=subsite_post&state=approved"
	"l-quarterly 100x list province /api/submissions?type=quarterly_analysis&state=approved"
	"l-annual 100x list province /api/submissions?type=annual_summary&state=approved"
	"l-notices 100x list province /api/submissions?type=notice"
	"l-p-all-info 100x list province /api/submissions?type=warning_info"
	"l-p-queue 100x list province /api/reviews/queue?type=warning_info"
	"l-internal 100x list province /api/internal-exchange"
	"l-int-none 100x list province /api/internal-exchange?adopted=none"
	"l-p-year 100x list province /api/submissions?year=$((year - 1))"
	"l-p-messages 100x list province /api/messages"
	"l-points 100x list province /api/points"
	"l-c-all-info 100x list hangzhou /api/submissions?type=warning_info"
	"l-c-queue 100x list hangzhou /api/reviews/queue?type=warning_info"
	"l-c-messages 100x list hangzhou /api/messages"
	"l-c-points 100x list hangzhou /api/points"
	"l-mine 100x list jiande /api/submissions"
	"l-j-messages 100x list jiande /api/messages"
	"l-mag-pend 100x list editor /api/magazine?state=pending&per_page=200"
	"l-mag-acc 100x list editor /api/magazine?state=accepted&per_page=200"
	"l-users 100x list admin /api/users"
)

# check KIND FILE: the answer says what the database holds; prints a note.
check() {
	python3 - "$1" "$2" "$formal" "$busy_n" <<'EOF'
import json, sys
kind, path, formal, busy_n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = open(path, "rb").read()
def fail(msg):
    print(msg)
    sys.exit(1)
if kind == "xlsx":
    if not data.startswith(b"PK"):
        fail("not an xlsx file (does not start with PK)")
    print("%d bytes" % len(data))
    sys.exit(0)
body = json.loads(data)
if kind == "health":
    print(body.get("status"))
elif kind == "summary":
    if body.get("points") != formal:
        fail("points %r, the database has %d formal points" % (body.get("points"), formal))
    print("warning_info %d, points %d, enterprises %d" % (body["warning_info"], body["points"], body["enterprises"]))
elif kind == "points":
    n = len(body.get("items", []))
    if body.get("total") != formal or n != formal:
        fail("total %r, %d items; the database has %d formal points" % (body.get("total"), n, formal))
    print("total %d, %d items, %d bytes" % (body["total"], n, len(data)))
elif kind == "list":
    items, total = body.get("items"), body.get("total")
    if not isinstance(items, list) or not isinstance(total, int) or body.get("page") != 1:
        fail("not a list envelope: %r" % {k: v for k, v in body.items() if k != "items"})
    per_page = body.get("per_page")
    if len(items) != min(total, per_page) and body.get("total_exact", True):
        fail("%d items on page 1 of %d (per_page %d)" % (len(items), total, per_page))
    exact = body.get("total_exact")
    print("total %d%s, %d items" % (total, "" if exact is not False else "+ (total_exact false)", len(items)))
elif kind == "records":
    if body.get("total") != busy_n:
        fail("total %r, stat_records holds %d" % (body.get("total"), busy_n))
    print("total %d, %d items on the page" % (body["total"], len(body.get("items", []))))
EOF
}

printf 'stack %s at %s; yujing pid %s, %s threads\n' "$name" "$url" "$pid" "$threads"
printf 'database: %s points (%s formal), %s people and enterprises, %s submissions, %s stat_records\n' \
    "$n_points" "$formal" "$n_members" "$n_subs" "$n_stats"
printf 'year %s; drill-down: point %s with %s warning info; %s timed requests per entry after one warm-up\n\n' \
    "$year" "$busy" "$busy_n" "$runs"

failed=0 base="" results=()
for e in "${entries[@]}"; do
	read -r ename target kind who path <<<"$e"
	jar=$tmp/jar-$who
	# Warm-up, and the check of what it answered.
	code=$(curl -s --max-time 120 -b "$jar" -o "$tmp/body" -w '%{http_code}' "$url$path") || code=000
	if [ "$code" != 200 ]; then
		printf '%-14s GET %s answered %s: %s\n' "$ename" "$path" "$code" "$(head -c 300 "$tmp/body" 2>/dev/null)"
		failed=1
		results+=("$ename|$target|-|-|FAILED")
		continue
	fi
	if ! note=$(check "$kind" "$tmp/body"); then
		printf '%-14s GET %s: wrong answer: %s\n' "$ename" "$path" "$note"
		failed=1
		results+=("$ename|$target|-|-|WRONG")
		continue
	fi
	printf '%-14s GET %s (%s): %s\n' "$ename" "$path" "$who" "$note"
	: >"$tmp/times"
	for ((i = 0; i < runs; i++)); do
		out=$(curl -s --max-time 120 -b "$jar" -o /dev/null -w '%{http_code} %{time_total}' "$url$path") || out="000 0"
		read -r code t <<<"$out"
		if [ "$code" != 200 ]; then
			printf '%-14s run %d answered %s\n' "$ename" "$((i + 1))" "$code"
			failed=1
		fi
		echo "$t" >>"$tmp/times"
	done
	read -r med max <<<"$(sort -g "$tmp/times" | awk '{ v[NR] = $1 * 1000 }
	    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f %.1f", m, v[NR] }')"
	[ -n "$base" ] || base=$med
	results+=("$ename|$target|$med|$max|")
done

rss_after=$(mem VmRSS) hwm_after=$(mem VmHWM)

echo
printf '%-14s %10s %10s %10s %9s  %s\n' entry median max "x health" target verdict
for r in "${results[@]}"; do
	IFS='|' read -r ename target med max verdict <<<"$r"
	if [ "$med" = - ]; then
		printf '%-14s %10s %10s %10s %9s  %s\n' "$ename" - - - "$target" "$verdict"
		continue
	fi
	ratio=$(awk -v m="$med" -v b="$base" 'BEGIN { printf "%.1f", (b > 0 ? m / b : 0) }')
	if [ "$target" = - ]; then
		tgt=- verdict=""
	elif [ "${target%x}" != "$target" ]; then
		tgt=$(awk -v b="$base" -v k="${target%x}" 'BEGIN { printf "%.0f ms", b * k }')
		verdict=$(awk -v r="$ratio" -v k="${target%x}" 'BEGIN { print (r < k ? "ok" : "OVER") }')
	else
		tgt="$target ms"
		verdict=$(awk -v m="$med" -v t="$target" 'BEGIN { print (m < t ? "ok" : "OVER") }')
	fi
	printf '%-14s %7s ms %7s ms %9sx %9s  %s\n' "$ename" "$med" "$max" "$ratio" "$tgt" "$verdict"
done
mverdict=$(awk -v h="$hwm_after" 'BEGIN { print (h < 200 ? "ok" : "OVER") }')
printf '%-14s VmRSS %s MB before, %s MB after; VmHWM %s MB (%s; %s MB before)  target 200 MB  %s\n' \
    memory "$rss_before" "$rss_after" "$hwm_after" "$peak_note" "$hwm_before" "$mverdict"
echo
echo "medians and max of $runs requests each (curl time_total through nginx); targets compare the median"
[ "$failed" = 0 ] || { echo "some requests failed or answered wrongly (above)" >&2; exit 1; }
exit 0
