#!/bin/bash
# The README's "Deploying" as far as a machine without a booted systemd
# allows:
#   1. make install DESTDIR=STAGE from the build tree: the unit, its
#      sysusers and tmpfiles files, the logrotate rule, the nginx site; no
#      demo data and no demo password anywhere;
#   2. rule files are conffiles: a second make install keeps a rule file
#      that was changed and puts the new one beside it as FILE.dist, and
#      replaces an unchanged one; make uninstall keeps the changed one;
#   3. systemd-analyze verify passes on the installed unit (its paths
#      pointed into STAGE), systemd-analyze security rates it "OK" or better;
#   4. systemd-sysusers makes the user from the installed file (in a copy of
#      this machine's passwd and group under STAGE);
#   5. the unit's ExecStartPre and ExecStart lines run as that user (its uid,
#      group www-data, no new privileges, every other capability dropped),
#      in a runtime folder made as RuntimeDirectory= makes it, against the
#      MariaDB of a running stack: the socket has the unit's owner and mode,
#      GET /api/health answers ok, ExecReload's SIGHUP reloads the rules,
#      SIGTERM stops it with status 0.
# Prints "ok - …" / "not ok - …" lines; exits non-zero when one failed.
# Environment: BUILD (default build), STACK_CONF (the yujing.conf of a
# running stack, whose db_* keys are used; default .run/test/yujing.conf).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
BUILD=${BUILD:-$ROOT/build}
STACK_CONF=${STACK_CONF:-$ROOT/.run/test/yujing.conf}
PATH=$PATH:/usr/sbin:/sbin
TMP=$(mktemp -d "${TMPDIR:-/tmp}/yujing-deploy.XXXXXX")
chmod 755 "$TMP"
S=$TMP/stage
failed=0 pid="" opened=""

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failed=1; }
die() { not_ok "$*"; exit 1; }
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null
	for d in $opened; do chmod o-x "$d"; done
	rm -rf "$TMP"
}
trap cleanup EXIT

# 1. Install.
make -C "$BUILD" -s install DESTDIR="$S" >"$TMP/install.log" 2>&1 \
    || { tail -20 "$TMP/install.log"; die "make install DESTDIR=…"; }
prefix=$(sed -n 's/^prefix = //p' "$BUILD/Makefile")
sysconfdir=$(make -C "$BUILD" -s --no-print-directory -f Makefile -f - print <<<'print: ; @echo $(sysconfdir)')
unit=$S$prefix/lib/systemd/system/yujing.service
sysusers=$S$prefix/lib/sysusers.d/yujing.conf
tmpfiles=$S$prefix/lib/tmpfiles.d/yujing.conf
logrotate=$S$prefix/share/yujing/logrotate/yujing.logrotate
site=$S$prefix/share/yujing/nginx/yujing.conf
rules=$S$sysconfdir/yujing/rules
missing=""
for f in "$unit" "$sysusers" "$tmpfiles" "$logrotate" "$site" "$rules/review.lua" "$S$prefix/bin/yujing"; do
	[ -f "$f" ] || missing="$missing ${f#"$S"}"
done
[ -z "$missing" ] && ok "make install: the unit, sysusers.d, tmpfiles.d, the logrotate rule, the site" \
    || not_ok "make install did not install:$missing"
demo=$(find "$S" -path '*demo*' | head -3; grep -rlF 'Demo#2019' "$S" | head -3)
[ -z "$demo" ] && ok "no demo data and no demo password installed" \
    || not_ok "make install installed demo data: $demo"
grep -q 'return 301 https://' "$site" && grep -q 'Strict-Transport-Security' "$site" \
    && grep -q 'listen 443 ssl' "$site" \
    && ok "the site: HTTPS, plain HTTP redirects, HSTS" || not_ok "the site is not HTTPS with a redirect and HSTS"

# 2. Conffiles.
printf -- '-- changed by policy staff\n' >>"$rules/review.lua"
cp "$rules/review.lua" "$TMP/review.changed"
printf -- '-- an old version\n' >"$rules/scoring/2019.test.lua"
cp "$rules/scoring/2019.test.lua" "$TMP/test.changed"
echo x >"$S$prefix/share/yujing/rules/scoring/2019.test.lua"	# as if an older release shipped it
cp "$S$prefix/share/yujing/rules/scoring/2019.test.lua" "$rules/scoring/2019.test.lua"
make -C "$BUILD" -s install DESTDIR="$S" >"$TMP/install2.log" 2>&1 \
    || { tail -20 "$TMP/install2.log"; die "the second make install"; }
if cmp -s "$rules/review.lua" "$TMP/review.changed" && cmp -s "$rules/review.lua.dist" "$ROOT/rules/review.lua" \
    && grep -q 'review.lua was changed here: kept' "$TMP/install2.log"; then
	ok "make install again: the changed review.lua kept, the new one beside it as review.lua.dist"
else
	not_ok "make install again overwrote or lost the changed review.lua"
fi
if cmp -s "$rules/scoring/2019.test.lua" "$ROOT/rules/scoring/2019.test.lua" \
    && [ ! -e "$rules/scoring/2019.test.lua.dist" ] && [ ! -e "$rules/scoring/2019.lua.dist" ]; then
	ok "make install again: a rule file nobody changed is replaced, no .dist"
else
	not_ok "an unchanged rule file was not replaced by the new version"
fi
make -C "$BUILD" -s uninstall DESTDIR="$S" >"$TMP/uninstall.log" 2>&1 || { tail "$TMP/uninstall.log"; not_ok "make uninstall"; }
left=$(find "$S" -type f ! -path "$rules/review.lua" | head -5)
if cmp -s "$rules/review.lua" "$TMP/review.changed" && [ -z "$left" ]; then
	ok "make uninstall: the changed rule file stays, the rest is gone"
else
	not_ok "make uninstall removed the changed rule file or left installed files: $left"
fi
rm -f "$rules/review.lua"
make -C "$BUILD" -s install DESTDIR="$S" >"$TMP/install3.log" 2>&1 || die "make install after uninstall"

# 3. systemd-analyze on the unit, its absolute paths pointed into STAGE.
sed -e "s|=$prefix/|=$S$prefix/|g" -e "s| -c $sysconfdir/| -c $S$sysconfdir/|g" "$unit" >"$TMP/yujing.service"
if out=$(MANPATH=$S$prefix/share/man systemd-analyze verify "$TMP/yujing.service" 2>&1) && [ -z "$out" ]; then
	ok "systemd-analyze verify yujing.service: no complaint"
else
	printf '%s\n' "$out"; not_ok "systemd-analyze verify yujing.service"
fi
sec=$(systemd-analyze security --offline=true "$TMP/yujing.service" 2>&1 | sed -n 's/.*Overall exposure level for yujing.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p')
case $sec in
*" OK"|*" SAFE") ok "systemd-analyze security: exposure $sec" ;;
*) not_ok "systemd-analyze security: exposure \"$sec\", not OK" ;;
esac

# 4. The system user, by systemd-sysusers from the installed file.
mkdir -p "$TMP/root/etc"
cp /etc/passwd /etc/group "$TMP/root/etc/"
[ -f /etc/shadow ] && cp /etc/shadow "$TMP/root/etc/" 2>/dev/null
[ -f /etc/gshadow ] && cp /etc/gshadow "$TMP/root/etc/" 2>/dev/null
sed -i '/^yujing:/d' "$TMP/root/etc/passwd" "$TMP/root/etc/group" "$TMP/root/etc/shadow" "$TMP/root/etc/gshadow" 2>/dev/null
systemd-sysusers --root="$TMP/root" "$sysusers" >"$TMP/sysusers.log" 2>&1 || { cat "$TMP/sysusers.log"; not_ok "systemd-sysusers"; }
wwwgid=$(getent group www-data | cut -d: -f3)
IFS=: read -r _ _ uid gid _ home shell < <(grep '^yujing:' "$TMP/root/etc/passwd")
if [ -n "${uid:-}" ] && [ "$uid" -gt 0 ] && [ "$uid" -lt 1000 ] && [ "$gid" = "$wwwgid" ] && [ "$shell" = /usr/sbin/nologin ]; then
	ok "systemd-sysusers: system user yujing (uid $uid), group www-data, no login"
else
	not_ok "systemd-sysusers made: $(grep '^yujing:' "$TMP/root/etc/passwd")"
	uid=64999
fi

# 5. ExecStartPre and ExecStart as that user. The configuration: the sample
#    with the running stack's database, listen in the runtime folder.
[ -f "$STACK_CONF" ] || die "no running stack's configuration at $STACK_CONF"
rt=$TMP/run/yujing
mkdir -p "$rt" && chown "$uid:$wwwgid" "$rt" && chmod 0750 "$rt"	# RuntimeDirectory=, RuntimeDirectoryMode=
conf=$S$sysconfdir/yujing/yujing.conf
{
	cat "$S$sysconfdir/yujing/yujing.conf.sample"
	grep -E '^db_(socket|name|user|password) ' "$STACK_CONF"
	echo "listen = $rt/yujing.sock"
	echo "rules_dir = $rules"
	echo "plugins_dir = $S$prefix/lib/yujing/plugins"
	echo "sql_dir = $S$prefix/share/yujing/sql"
} >"$conf"
chown "$uid:0" "$conf" && chmod 0400 "$conf"	# as the README says
as_user() { setpriv --reuid="$uid" --regid="$wwwgid" --clear-groups --no-new-privs \
    --inh-caps=-all --bounding-set=-all -- "$@"; }
line() { sed -n "s/^$1=//p" "$TMP/yujing.service" | head -1; }
# The stack's MariaDB socket lives in the source tree, which may be a
# private folder (a clone made by mktemp -d is 0700): the service's user
# gets the right to pass through the folders above it for the test, and
# they are closed again at the end.
d=$(dirname "$(sed -n 's/^db_socket *= *//p' "$STACK_CONF")")
while [ -n "$d" ] && [ "$d" != / ]; do
	case $(stat -c %A "$d") in
	*x|*t) ;;
	*) chmod o+x "$d" && opened="$opened $d" ;;
	esac
	d=$(dirname "$d")
done
read -r -a pre <<<"$(line ExecStartPre)"
read -r -a start <<<"$(line ExecStart)"
if as_user "${pre[@]}" >"$TMP/pre.log" 2>&1; then
	ok "ExecStartPre as yujing: $(tail -1 "$TMP/pre.log")"
else
	cat "$TMP/pre.log"; not_ok "ExecStartPre (yujing -t) as yujing failed"
fi
(cd / && umask 0027 && exec setpriv --reuid="$uid" --regid="$wwwgid" --clear-groups --no-new-privs \
    --inh-caps=-all --bounding-set=-all -- "${start[@]}") >"$TMP/yujing.log" 2>&1 &
pid=$!
for ((i = 0; i < 150; i++)); do [ -S "$rt/yujing.sock" ] && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
if [ -S "$rt/yujing.sock" ]; then
	st=$(stat -c '%u:%g %a' "$rt/yujing.sock")
	[ "$st" = "$uid:$wwwgid 660" ] && ok "ExecStart as yujing: the socket is yujing:www-data 0660" \
	    || not_ok "the socket is $st, not $uid:$wwwgid 660"
	ans=$(python3 "$ROOT/tests/deploy/fcgi_get.py" "$rt/yujing.sock" /api/health 2>&1)
	case $ans in
	*'Status: 200'*'"status":"ok"'*'"db":"ok"'*) ok "GET /api/health through the socket: $(printf '%s' "$ans" | tail -1)" ;;
	*) printf '%s\n' "$ans"; not_ok "GET /api/health as the installed service" ;;
	esac
	kill -HUP "$pid"	# ExecReload
	for ((i = 0; i < 50; i++)); do grep -q 'SIGHUP, reloading rules' "$TMP/yujing.log" && break; sleep 0.2; done
	grep -q 'SIGHUP, reloading rules' "$TMP/yujing.log" && ok "ExecReload (SIGHUP): the rules reloaded" \
	    || not_ok "SIGHUP: no reload in the log"
	kill -TERM "$pid"; wait "$pid"; rc=$?; pid=""
	[ "$rc" -eq 0 ] && ok "SIGTERM: exit 0" || not_ok "SIGTERM: exit $rc"
else
	cat "$TMP/yujing.log"; not_ok "ExecStart as yujing: no socket"
fi
exit "$failed"
