#!/bin/bash
# Runs every test of yujing and ends with one line "N passed, M failed";
# exits non-zero when anything failed.  What it runs:
#   0. the house rules a reading of the source checks (tests/house-rules.sh);
#   1. the build (-Werror) and the cmocka unit tests (make check);
#   2. the unit tests under valgrind (no errors, no leaks), and the rule
#      files: "yujing rules test rules/scoring" and "yujing rules check";
#   3. an ASan/UBSan build and its unit tests;
#   4. the HTTP tests against the real stack: nginx + the ASan/UBSan yujing +
#      a private MariaDB, started fresh in .run/test and stopped at the end;
#      the yujing log must hold no sanitizer report;
#   4b. the deploy steps (tests/deploy/check.sh): make install, conffiles,
#      the systemd unit verified and its ExecStart run as its user;
#   5. an out-of-tree plugin (tests/plugin-example/build.sh): make install
#      into a staging dir, build against the installed header and .pc, and
#      the installed yujing serves its report type;
#   5b. the libFuzzer harnesses (tests/fuzz/run.sh), 10 s each;
#   6. the browser tests (tests/ui/*.test.mjs): Debian's Chromium driven by
#      playwright-core through every role's screens, against a fresh stack
#      in .run/ui-test; screenshots at both widths kept in .run/ui/; then
#      the demo submissions loaded on that stack from a host clock in
#      another zone (each item must stand at its Beijing date);
#   7. make distcheck (the release tarball builds and passes its tests).
# Options: --quick skips 7; -k PATTERN runs only matching HTTP tests.
# Environment: YJ_TEST_PORT (18080) and YJ_PLUGIN_PORT (18091), the HTTP
# ports of the test stacks, so that two source trees can test at once.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$ROOT"
mkdir -p .run

quick=no pattern=""
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=yes ;;
	-k) pattern=${2:?-k needs a pattern}; shift ;;
	*) echo "usage: tests/run.sh [--quick] [-k PATTERN]" >&2; exit 2 ;;
	esac
	shift
done

passed=0 failed=0 failures=""
pass() { passed=$((passed + $1)); }
fail() { failed=$((failed + $1)); failures="$failures
  $2"; }
step() { printf '\n== %s\n' "$*"; }
JOBS=$(nproc 2>/dev/null || echo 2)

# Adds the counts of a finished "make check": automake's summary lines.
count_make_check() {	# $1 = log, $2 = label
	local p f e
	p=$(sed -n 's/^# PASS: *//p' "$1" | tail -1)
	f=$(sed -n 's/^# FAIL: *//p' "$1" | tail -1)
	e=$(sed -n 's/^# ERROR: *//p' "$1" | tail -1)
	pass "${p:-0}"
	[ "${f:-0}" -eq 0 ] && [ "${e:-0}" -eq 0 ] || fail $((${f:-0} + ${e:-0})) "$2: see the test logs above"
	[ -n "$p" ] || fail 1 "$2: make check did not run"
}

build() {	# $1 = dir, rest = configure arguments
	local dir=$1; shift
	mkdir -p "$dir"
	( cd "$dir" && { [ -f Makefile ] || ../configure -q "$@"; } && make -j"$JOBS" -s ) 
}

step "packages"
tests/deps.sh || { echo "cannot install the packages the tests need"; echo "0 passed, 1 failed"; exit 1; }

step "house rules read from the source (tests/house-rules.sh)"
tests/house-rules.sh > .run/house-rules.log 2>&1
cat .run/house-rules.log
pass "$(grep -c '^ok' .run/house-rules.log)"
n=$(grep -c '^not ok' .run/house-rules.log); [ "$n" -eq 0 ] || fail "$n" "tests/house-rules.sh"

step "build and unit tests"
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	./autogen.sh >/dev/null 2>&1 || { echo "autogen.sh failed"; echo "0 passed, 1 failed"; exit 1; }
fi
if build build && (cd build && make -j"$JOBS" -s check) > .run/check.log 2>&1; then :; fi
cat .run/check.log | grep -E '^(PASS|FAIL|ERROR|# )' || true
if [ -x build/core/yujing ]; then pass 1; else fail 1 "build (see above)"; cat .run/check.log | tail -30; fi
count_make_check .run/check.log "unit tests"
# The web UI (nginx/ui, Node) into nginx/www: the stacks below serve it.
if nginx/ui/build.sh > .run/build-ui.log 2>&1; then
	echo "ok - web UI build ($(tail -1 .run/build-ui.log))"; pass 1
else
	tail -30 .run/build-ui.log; fail 1 "the web UI build (nginx/ui/build.sh)"
fi

step "unit tests under valgrind"
rm -f .run/valgrind-*.log
for t in build/tests/unit/test-*; do
	[ -x "$t" ] && [ "${t%.*}" = "$t" ] || continue
	if CMOCKA_MESSAGE_OUTPUT=TAP valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=99 "$t" > .run/valgrind.log 2>&1; then
		echo "ok - valgrind $(basename "$t")"; pass 1
	else
		# Which test failed and every valgrind report, not only the tail;
		# the whole log is kept beside the others.
		echo "not ok - valgrind $(basename "$t")"
		grep -E '^not ok|^==[0-9]+==' .run/valgrind.log | head -200; tail -20 .run/valgrind.log
		cp .run/valgrind.log ".run/valgrind-$(basename "$t").log"
		fail 1 "valgrind $(basename "$t") (whole log: .run/valgrind-$(basename "$t").log)"
	fi
done

step "rule files: the standards' own test cases and the rules checker"
if [ -x build/core/yujing ]; then
	build/core/yujing rules test rules/scoring > .run/rules.log 2>&1
	grep -v '^ok ' .run/rules.log || true
	summary=$(tail -1 .run/rules.log)
	p=$(printf '%s' "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(printf '%s' "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then fail 1 "yujing rules test did not finish"; else
		pass "$p"; [ "$f" -eq 0 ] || fail "$f" "yujing rules test rules/scoring (see above)"; fi
	# The standards only: <year>.test.lua files are cases, not standards.
	if build/core/yujing rules check rules/review.lua rules/scoring/[0-9][0-9][0-9][0-9].lua \
	    > .run/rules.log 2>&1; then
		echo "ok - yujing rules check"; pass 1
	else
		cat .run/rules.log; fail 1 "yujing rules check rules/review.lua rules/scoring/<year>.lua"
	fi
else
	fail 1 "rule files: no build/core/yujing to run"
fi

step "ASan/UBSan build and unit tests"
SAN="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
if build build-asan CFLAGS="$SAN" LDFLAGS="-fsanitize=address,undefined" &&
    (cd build-asan && make -j"$JOBS" -s check) > .run/check-asan.log 2>&1; then :; fi
grep -E '^(PASS|FAIL|ERROR|# )' .run/check-asan.log || true
if [ -x build-asan/core/yujing ]; then pass 1; else fail 1 "ASan build"; tail -30 .run/check-asan.log; fi
count_make_check .run/check-asan.log "unit tests (ASan/UBSan)"

step "HTTP tests against nginx + yujing (ASan/UBSan) + MariaDB"
stack() { tests/stack.sh "$@" --name test; }
cleanup() { stack down >/dev/null 2>&1 || true; tests/stack.sh down --name ui-test >/dev/null 2>&1 || true; }
trap cleanup EXIT
stack down >/dev/null 2>&1 || true
rm -rf .run/test
# Every list of scores is scored in two threads, as a province's is; the
# watchdog reports a worker stuck after 2 s (tests/http/test_watchdog.py);
# lists of items count their totals to 40 rows past the page, so that the
# lists as the province sees them take the capped path
# (tests/http/test_list_totals.py).
TEST_PORT=${YJ_TEST_PORT:-18080}
if stack up --port "$TEST_PORT" --no-build --no-demo-items --bin build-asan/core/yujing --set scores_parallel_min=2 --set worker_stuck_after=2 --set list_count_limit=40 \
    --set deliver_retry_base=1 --set deliver_poll_ms=100 --set send_timeout=4 --set deliver_lease=13 \
    > .run/stack.log 2>&1; then
	pass 1
	args=(--base "http://127.0.0.1:$TEST_PORT" --stack test)
	[ -z "$pattern" ] || args+=(-k "$pattern")
	python3 tests/http/run.py "${args[@]}" | tee .run/http.log
	summary=$(tail -1 .run/http.log)
	p=$(printf '%s' "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(printf '%s' "$summary" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then fail 1 "HTTP tests did not finish"; else
		pass "$p"; [ "$f" -eq 0 ] || fail "$f" "HTTP tests (see above)"; fi
else
	cat .run/stack.log
	fail 1 "the test stack did not start"
fi

step "deploying: make install, the systemd unit, its user, its ExecStart as that user"
# Against the test stack's MariaDB, still up (its yujing is stopped by now).
if STACK_CONF=.run/test/yujing.conf tests/deploy/check.sh > .run/deploy.log 2>&1; then
	cat .run/deploy.log; pass "$(grep -c '^ok' .run/deploy.log)"
else
	cat .run/deploy.log; pass "$(grep -c '^ok' .run/deploy.log)"
	fail "$(grep -c '^not ok' .run/deploy.log | sed 's/^0$/1/')" "tests/deploy/check.sh"
fi
stack down >/dev/null 2>&1 || true
if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' .run/test/yujing.log 2>/dev/null; then
	grep -B2 -A30 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' .run/test/yujing.log | head -80
	fail 1 "sanitizer report in the yujing log"
else
	echo "ok - no sanitizer report in the yujing log"; pass 1
fi

step "an out-of-tree report-type plugin, built against the installed header"
if PORT=${YJ_PLUGIN_PORT:-18091} tests/plugin-example/build.sh > .run/plugin-example.log 2>&1; then
	cat .run/plugin-example.log; pass 1
else
	cat .run/plugin-example.log; fail 1 "tests/plugin-example/build.sh"
fi

step "fuzzing: libFuzzer harnesses of the input parsers, 10 s each (tests/fuzz/run.sh)"
if tests/fuzz/run.sh 10 > .run/fuzz.log 2>&1; then
	grep -E '^(ok|not ok)' .run/fuzz.log; pass "$(grep -c '^ok' .run/fuzz.log)"
else
	tail -60 .run/fuzz.log; pass "$(grep -c '^ok' .run/fuzz.log)"
	fail "$(grep -c '^not ok' .run/fuzz.log | sed 's/^0$/1/')" "tests/fuzz/run.sh"
fi

step "browser tests: Chromium through the web UI (playwright-core)"
# A stack of its own on the HTTP tests' port (that stack is down by now):
# demo accounts and points, no demo submissions; the tests make their own.
uistack() { tests/stack.sh "$@" --name ui-test; }
uistack down >/dev/null 2>&1 || true
rm -rf .run/ui-test .run/ui
ui_start=$(date +%s)
if [ -n "$pattern" ]; then
	echo "skipped (-k runs HTTP tests only)"
elif uistack up --port "$TEST_PORT" --no-build --no-demo-items > .run/stack.log 2>&1; then
	YJ_UI_BASE="http://127.0.0.1:$TEST_PORT" node --test --test-concurrency=1 tests/ui/*.test.mjs > .run/ui.log 2>&1
	grep -E '^(not )?ok |^# (tests|pass|fail)' .run/ui.log
	grep -q '^not ok' .run/ui.log && grep -B2 -A30 '^not ok' .run/ui.log | grep -v '^ *\[2m' | head -120
	p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' .run/ui.log)
	f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' .run/ui.log)
	if [ -z "$p" ]; then tail -30 .run/ui.log; fail 1 "browser tests did not finish"; else
		pass "$p"; [ "$f" -eq 0 ] || fail "$f" "browser tests (see above; log .run/ui.log, screenshots .run/ui/)"; fi
	echo "browser tests: $(($(date +%s) - ui_start)) s, screenshots in .run/ui/"
	# The demo submissions, loaded on the same stack from a host clock far
	# from Beijing: tests/demo-items.py checks that every item stands at its
	# Beijing date, as stored and as the API answers it.
	if TZ=America/Los_Angeles uistack up --port "$TEST_PORT" --no-build > .run/demo-items.log 2>&1; then
		echo "ok - demo items at their Beijing dates from a host in America/Los_Angeles ($(sed -n 's/.*demo items: //p' .run/demo-items.log))"
		pass 1
	else
		tail -20 .run/demo-items.log; fail 1 "tests/demo-items.py (log .run/demo-items.log)"
	fi
else
	cat .run/stack.log
	fail 1 "the browser tests' stack did not start"
fi
uistack down >/dev/null 2>&1 || true

if [ "$quick" = no ]; then
	step "make distcheck"
	if (cd build && make -s distcheck) > .run/distcheck.log 2>&1; then
		echo "ok - make distcheck"; pass 1
	else
		tail -40 .run/distcheck.log; fail 1 "make distcheck"
	fi
fi

rm -f .run/house-rules.log .run/build-ui.log .run/deploy.log .run/fuzz.log .run/plugin-example.log .run/check.log .run/check-asan.log .run/valgrind.log .run/rules.log .run/http.log .run/stack.log .run/distcheck.log
[ -z "$failures" ] || printf '\nfailed:%s\n' "$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
