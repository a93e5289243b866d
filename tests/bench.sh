#!/bin/bash
# Benchmarks the running local stack with wrk, then the rules engine. Each
# entry is compared with the ceiling: tests/bench/hello, a FastCGI
# responder that does no work, with yujing's thread count, behind the same
# nginx, measured in the same run at the same concurrency: throughput as a
# share of the ceiling's, p99 latency as a multiple of the ceiling's. Every
# entry runs at each concurrency of --connections (32, 128 and 512 by
# default). Start the stack first (tests/stack.sh up); the demo data
# provides the login.
set -eu

usage() {
	cat <<'EOF'
usage: tests/bench.sh [options]
  --name NAME         stack name (default demo)
  --port N            HTTP port (default: the stack's)
  --duration S        seconds per benchmark (default 10)
  --connections LIST  wrk connections, comma-separated (default 32,128,512)
  --threads N         wrk threads (default 2)
  --scale [OPTIONS]   instead: the statistics at province scale,
                      tests/bench-scale.sh OPTIONS (see tests/scale/README.md)
  --dissem [OPTIONS]  instead: approval → delivery for 1,000 subscribers and
                      50 channels, and feed requests per second against
                      /api/health (tests/bench-dissem.py --help)
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

name=demo port="" duration=10 connections=32,128,512 wrk_threads=2
while [ $# -gt 0 ]; do
	case $1 in
	--name) name=${2:?--name needs a value}; shift ;;
	--port) port=${2:?--port needs a value}; shift ;;
	--duration) duration=${2:?--duration needs a value}; shift ;;
	--connections) connections=${2:?--connections needs a value}; shift ;;
	--threads) wrk_threads=${2:?--threads needs a value}; shift ;;
	--scale) shift; exec "$ROOT/tests/bench-scale.sh" "$@" ;;
	--dissem) shift; exec python3 "$ROOT/tests/bench-dissem.py" --name "$name" "$@" ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

# The benchmarks, in order: NAME PATH LOGIN, where LOGIN "yes" sends the
# session cookie of the demo user province. The first is the ceiling.
benches=(
	"ceiling /bench/hello no"
	"hello-kept /bench/hello-kept no"
	"health /api/health no"
	"session /api/session yes"
)
# The entry that must reach TARGET percent of the ceiling's throughput, and
# the most its p99 may be, as a multiple of the ceiling's (every entry).
target=session target_pct=40 p99_max=3

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

RUN=$ROOT/.run/$name
[ -f "$RUN/stack.env" ] || die "no stack \"$name\"; start it with: tests/stack.sh up --name $name"
recorded() { sed -n "s/^$1=//p" "$RUN/stack.env"; }
port=${port:-$(recorded PORT)}
threads=$(recorded THREADS)
hello_socket=$(recorded HELLO_SOCKET)
url=http://127.0.0.1:$port
command -v wrk >/dev/null || die "wrk is not installed; run tests/deps.sh"

# The ceiling responder, built with the project (make builds tests/bench/hello).
hello=$ROOT/build/tests/bench/hello
[ -x "$hello" ] || die "no $hello: build the project first (tests/stack.sh up builds it)"

jar=$(mktemp)
hello_pid=""
cleanup() {
	if [ -n "$hello_pid" ]; then
		kill "$hello_pid" 2>/dev/null || true
		wait "$hello_pid" 2>/dev/null || true
	fi
	rm -f "$jar" "$hello_socket"
}
trap cleanup EXIT

"$hello" "$hello_socket" "$threads" "$(recorded BACKLOG)" </dev/null >"$RUN/hello.log" 2>&1 &
hello_pid=$!
for ((i = 0; i < 50; i++)); do
	[ -S "$hello_socket" ] && break
	kill -0 "$hello_pid" 2>/dev/null || break
	sleep 0.1
done
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/bench/hello") || true
[ "$code" = 200 ] || die "GET $url/bench/hello answered $code, not 200 (see .run/$name/hello.log)"

code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -H 'Content-Type: application/json' \
    --data '{"username":"province","password":"Demo#2019"}' "$url/api/session") || true
[ "$code" = 200 ] || die "login as province answered $code, not 200 (demo data loaded?)"
cookie=$(awk '$6 == "yj_session" { print $7 }' "$jar")
[ -n "$cookie" ] || die "login as province set no yj_session cookie"

# wrk prints latencies as 812.00us, 3.21ms or 1.05s: milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { u = v; sub(/[0-9.]+/, "", u); n = v + 0;
	if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
	printf "%.2f", n }'; }

printf 'wrk: %s s per entry, %s threads; yujing and hello: %s threads; connections: %s\n' \
    "$duration" "$wrk_threads" "$threads" "$connections"
failed=0 verdicts=""
IFS=, read -r -a conns <<<"$connections"
for c in "${conns[@]}"; do
	printf '\n%s connections\n' "$c"
	printf '%-11s %-18s %10s %10s %9s %9s %s\n' benchmark path req/s p99 "of req/s" "p99 x" errors
	ceiling="" ceiling_p99=""
	for b in "${benches[@]}"; do
		read -r bname path login <<<"$b"
		args=(--latency -t "$wrk_threads" -c "$c" -d "${duration}s" --timeout 10s)
		[ "$login" = no ] || args+=(-H "Cookie: yj_session=$cookie")
		out=$(wrk "${args[@]}" "$url$path" 2>&1) || { printf '%s\n' "$out" >&2; die "wrk failed on $path"; }
		printf '%s\n' "$out" >"$RUN/bench-$bname-$c.txt"
		rps=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
		p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
		bad=$(awk -F': *' '/Non-2xx or 3xx responses/ { print $2 }' <<<"$out")
		errs=$(sed -n 's/^ *Socket errors: //p' <<<"$out")
		[ -n "$ceiling" ] || { ceiling=$rps ceiling_p99=$p99; }
		pct=$(awk -v r="$rps" -v c="$ceiling" 'BEGIN { printf "%.0f", (c > 0 ? 100 * r / c : 0) }')
		ratio=$(awk -v p="$p99" -v c="$ceiling_p99" 'BEGIN { printf "%.1f", (c > 0 ? p / c : 0) }')
		note="-"
		[ -z "$bad" ] || note="$bad non-2xx"
		[ -z "$errs" ] || note="$note; socket $errs"
		printf '%-11s %-18s %10s %8sms %8s%% %8sx %s\n' "$bname" "$path" "$rps" "$p99" "$pct" "$ratio" "$note"
		if [ -n "$bad" ] || [ -n "$errs" ]; then
			failed=1
			continue
		fi
		case $bname in ceiling|hello-kept) continue ;; esac
		if awk -v r="$ratio" -v m="$p99_max" 'BEGIN { exit !(r > m) }'; then
			verdicts="$verdicts
  missed: $path p99 at $c connections is ${ratio}x the ceiling's (at most ${p99_max}x)"
		fi
		if [ "$bname" = "$target" ] && [ "$pct" -lt "$target_pct" ]; then
			verdicts="$verdicts
  missed: $path with a session at $c connections runs at $pct% of the ceiling (target $target_pct%)"
		fi
	done
done
echo
if [ -z "$verdicts" ]; then
	echo "targets reached: every p99 within ${p99_max}x the ceiling's, GET /api/session at $target_pct% of its req/s or more"
else
	printf 'targets:%s\n' "$verdicts"
fi
[ "$failed" = 0 ] || die "some benchmarks got error responses or socket errors (see .run/$name/bench-*.txt)"

# The rules engine, in process (no HTTP): scoring 10,000 points' facts with
# every standard of the stack's rules, against a trivial standard (the floor:
# building the facts and calling), and the time a reload takes.
echo
"$ROOT/build/core/yujing" rules bench "$RUN/rules" 10000 || die "the rules benchmark failed"
