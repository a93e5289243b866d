#!/bin/sh
# The house rules a reading of the source can check (DESIGN.md), one TAP
# line each; exits non-zero when one is broken, naming the lines.
#   1. HTTP handlers (core/h_*.c) hold no SQL: they read the request, call
#      a domain function that takes an actor and answers an outcome, and
#      write the answer.  The domain modules own the queries.
#   2. SQL reaches the server only as prepared statements: the text-query
#      calls of Connector/C appear only where db.c opens transactions and
#      where the migrations run their files.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$ROOT"
bad=0

check() {	# $1 = what, $2 = the offending lines (empty: none)
	if [ -z "$2" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		printf '%s\n' "$2" | sed 's/^/    /'
		bad=1
	fi
}

sql='db_(query|exec|begin|commit|rollback|insert_id)[[:space:]]*\(|"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE|REPLACE)[[:space:]]'
check "no SQL in the HTTP handlers (core/h_*.c)" "$(grep -nE "$sql" core/h_*.c)"
check "text queries only in db.c and migrate.c (all else is prepared)" \
    "$(grep -nE 'mysql_(real_)?query[[:space:]]*\(' core/*.c | grep -vE '^core/(db|migrate)\.c:')"
exit $bad
