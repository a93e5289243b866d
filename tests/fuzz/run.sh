#!/bin/bash
# libFuzzer harnesses of yujing's input parsing (clang, -fsanitize=fuzzer,
# address,undefined): fuzz_http (a FastCGI request: environment and body),
# fuzz_query (the query string and the list checks), fuzz_validate (a JSON
# body against a field table), fuzz_validators (each field validator),
# fuzz_conf (the configuration file), fuzz_rules (a scoring standard loaded
# in the sandbox).
#   tests/fuzz/run.sh [SECONDS]   build in build-fuzz, run each harness for
#                                 SECONDS (10) from its corpus; ends with
#                                 "N passed, M failed"
#   tests/fuzz/run.sh --long [SECONDS]  each for 10 minutes (or SECONDS),
#                                 new inputs that add coverage merged into
#                                 the kept corpus
# The kept corpus is tests/fuzz/corpus/NAME/ (in git); a run works on a copy
# in .run/fuzz/NAME and keeps crash-*/leak-* files there. Any crash, leak or
# sanitizer report fails the harness.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"
secs=10 long=no
case ${1:-} in
--long) secs=${2:-600} long=yes
	case $secs in ''|*[!0-9]*) echo "usage: tests/fuzz/run.sh --long [SECONDS]" >&2; exit 2 ;; esac ;;
'') ;;
*[!0-9]*) echo "usage: tests/fuzz/run.sh [SECONDS|--long]" >&2; exit 2 ;;
*) secs=$1 ;;
esac
NAMES="fuzz_http fuzz_query fuzz_validate fuzz_validators fuzz_conf fuzz_rules"
B=$ROOT/build-fuzz
OUT=$ROOT/.run/fuzz
mkdir -p "$OUT"
command -v clang >/dev/null || { echo "not ok - clang not found (Debian package clang)"; echo "0 passed, 1 failed"; exit 1; }

# The core as a library, built by clang with coverage hooks and sanitizers.
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ ! -f "$B/Makefile" ]; then
	mkdir -p "$B"
	(cd "$B" && ../configure -q CC=clang --disable-unit-tests \
	    CFLAGS="-g -O1 $SAN -fsanitize=fuzzer-no-link") >"$OUT/configure.log" 2>&1 \
	    || { tail -20 "$OUT/configure.log"; echo "not ok - configure (clang)"; echo "0 passed, 1 failed"; exit 1; }
fi
# A variable of the configured Makefile (configure's substitutions only).
mkvar() { sed -n "s/^$1 = //p" "$B/Makefile" | head -1; }
# The warnings of the gcc build, as errors too; clang knows not all of them.
yjcflags="$(mkvar YJ_CFLAGS) -Wno-unknown-warning-option"
make -C "$B" -s -j"$(nproc)" YJ_CFLAGS="$yjcflags" core/libyujing.a >"$OUT/build.log" 2>&1 \
    || { tail -30 "$OUT/build.log"; echo "not ok - build of core/libyujing.a (clang)"; echo "0 passed, 1 failed"; exit 1; }
libs="" cflags=$yjcflags
for v in FCGI MARIADB LUA JANSSON SODIUM XLSXWRITER CURL; do
	libs="$libs $(mkvar "${v}_LIBS")"; cflags="$cflags $(mkvar "${v}_CFLAGS")"
done
libs="$libs $(mkvar LIBS)"

passed=0 failed=0
for n in $NAMES; do
	# shellcheck disable=SC2086 # word lists
	if ! clang -g -O1 $SAN -fsanitize=fuzzer -D_GNU_SOURCE -I"$ROOT/core" $cflags \
	    -o "$B/$n" "$ROOT/tests/fuzz/$n.c" "$B/core/libyujing.a" $libs -lm >"$OUT/$n.cc.log" 2>&1; then
		cat "$OUT/$n.cc.log"; echo "not ok - $n: does not build"; failed=$((failed + 1)); continue
	fi
	kept=$ROOT/tests/fuzz/corpus/${n#fuzz_}
	work=$OUT/${n#fuzz_}
	rm -rf "$work"; mkdir -p "$work" "$kept"
	cp "$kept"/* "$work"/ 2>/dev/null
	(cd "$OUT" && UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    "$B/$n" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
	    -artifact_prefix="$OUT/$n-" -print_final_stats=1 "$work") >"$OUT/$n.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$n.log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$OUT/$n.log" | tail -1)
	if [ "$rc" -eq 0 ] && ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|deadly signal' "$OUT/$n.log"; then
		echo "ok - $n: ${runs:-?} inputs in $secs s, $cov, corpus $(ls "$work" | wc -l)"
		passed=$((passed + 1))
		if [ "$long" = yes ]; then
			"$B/$n" -merge=1 "$kept" "$work" >"$OUT/$n.merge.log" 2>&1 \
			    && echo "   kept corpus: $(ls "$kept" | wc -l) inputs"
		fi
	else
		grep -E -A25 'ERROR: |runtime error:|deadly signal' "$OUT/$n.log" | head -60
		echo "not ok - $n: a finding, input in $OUT/$n-*"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
