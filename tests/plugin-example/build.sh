#!/bin/bash
# An out-of-tree report-type plugin, end to end, as an extension author
# builds one:
#   1. "make install DESTDIR=STAGE" from the build tree (header, .pc,
#      binary, the five built-in plugins);
#   2. compile monthly_export.c with only what pkg-config says about the
#      staged yujing-plugin.pc;
#   3. "yujing plugins check" on a folder with the built-ins and the example,
#      and a start refused with a clear message when a plugin is duplicated;
#   4. the local stack (tests/stack.sh, stack "plugin-example") runs the
#      installed yujing with that folder as plugins_dir, and
#      GET /api/report-types lists monthly_export with its fields.
# Prints "ok - …" / "not ok - …" lines; exits non-zero when one failed.
# Environment: BUILD (default build), PORT (default 18091), CC (default cc).
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
BUILD=${BUILD:-$ROOT/build}
PORT=${PORT:-18091}
CC=${CC:-cc}
NAME=plugin-example
TMP=$(mktemp -d "${TMPDIR:-/tmp}/yujing-plugin-example.XXXXXX")
STAGE=$TMP/stage
failed=0

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failed=1; }
die() { not_ok "$*"; exit 1; }
cleanup() {
	"$ROOT/tests/stack.sh" down --name "$NAME" >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT

# 1. Install into a staging directory.
[ -f "$BUILD/Makefile" ] || die "no configured build tree at $BUILD"
make -C "$BUILD" -s install DESTDIR="$STAGE" >"$TMP/install.log" 2>&1 \
    || { tail -20 "$TMP/install.log"; die "make install DESTDIR=…"; }
pc=$(find "$STAGE" -name yujing-plugin.pc -path '*/pkgconfig/*' | head -1)
bin=$(find "$STAGE" -name yujing -type f -perm -u+x -path '*/bin/*' | head -1)
hdr=$(find "$STAGE" -name yujing-plugin.h -path '*/include/*' | head -1)
[ -n "$pc" ] && [ -n "$bin" ] && [ -n "$hdr" ] \
    || die "make install: yujing-plugin.pc, bin/yujing and include/yujing-plugin.h expected"
ok "make install DESTDIR: $(printf '%s' "${hdr#"$STAGE"}, ${pc#"$STAGE"}")"

# 2. Build the example with what pkg-config gives (the staged tree is the
#    sysroot of the installed paths).
pkgc() { PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$STAGE pkg-config "$@"; }
cflags=$(pkgc --cflags yujing-plugin) || die "pkg-config --cflags yujing-plugin"
plugindir=$(pkgc --variable=plugindir yujing-plugin) || die "pkg-config --variable=plugindir"
case $plugindir in "$STAGE"/*) ;; *) plugindir=$STAGE$plugindir ;; esac
case $cflags in *"-I$STAGE/"*) ;; *) die "pkg-config --cflags gave \"$cflags\", not the staged include dir" ;; esac
mkdir -p "$TMP/plugins"
# shellcheck disable=SC2086 # cflags is a list of words
if "$CC" $cflags -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -shared -fPIC \
    -o "$TMP/plugins/monthly_export.so" "$ROOT/tests/plugin-example/monthly_export.c" 2>"$TMP/cc.log"; then
	ok "cc \$(pkg-config --cflags yujing-plugin) -shared -fPIC monthly_export.c"
else
	cat "$TMP/cc.log"; die "compiling monthly_export.c against the installed header"
fi

# 3. The folder yujing will load: the installed built-ins and the example.
n=0
for f in "$plugindir"/*.so; do [ -e "$f" ] && cp "$f" "$TMP/plugins/" && n=$((n + 1)); done
[ "$n" -eq 5 ] || die "expected the 5 built-in plugins in plugindir ${plugindir#"$STAGE"}, found $n"
if "$bin" plugins check "$TMP/plugins" >"$TMP/check.log" 2>&1 &&
    grep -q '^ok: monthly_export 0.1 ' "$TMP/check.log" &&
    grep -q '^6 plugin(s), 6 report type(s), 0 refused$' "$TMP/check.log"; then
	ok "yujing plugins check: 6 plugins, monthly_export among them"
else
	cat "$TMP/check.log"; not_ok "yujing plugins check"
fi

# A second copy under another file name is refused, and yujing does not
# start: exit status 1 and a message naming the file.
mkdir -p "$TMP/dup"
cp "$TMP/plugins/"*.so "$TMP/dup/"
cp "$TMP/plugins/monthly_export.so" "$TMP/dup/monthly_export_copy.so"
cat >"$TMP/dup.conf" <<EOF
listen = $TMP/dup.sock
rules_dir = $ROOT/rules
plugins_dir = $TMP/dup
EOF
timeout 20 "$bin" -c "$TMP/dup.conf" >"$TMP/dup.log" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q "refused $TMP/dup/monthly_export_copy.so: a plugin named \"monthly_export\" is already loaded from $TMP/dup/monthly_export.so" "$TMP/dup.log" &&
    [ ! -S "$TMP/dup.sock" ]; then
	ok "a duplicated plugin: yujing refuses to start and names the file"
else
	cat "$TMP/dup.log"; not_ok "a duplicated plugin: exit status $rc (1 expected) and the message"
fi

# 4. The installed yujing serves the example's report type.
"$ROOT/tests/stack.sh" down --name "$NAME" >/dev/null 2>&1 || true
rm -rf "$ROOT/.run/$NAME"
if ! "$ROOT/tests/stack.sh" up --name "$NAME" --port "$PORT" --no-build --no-demo-items \
    --bin "$bin" --plugins "$TMP/plugins" >"$TMP/stack.log" 2>&1; then
	cat "$TMP/stack.log"
	die "the stack did not start with plugins_dir holding the example"
fi
ok "stack up: the installed yujing with plugins_dir = the built-ins + monthly_export"
URL=http://127.0.0.1:$PORT
curl -s -c "$TMP/jar" -H 'Content-Type: application/json' \
    -d '{"username":"jiande","password":"Demo#2019"}' "$URL/api/session" >/dev/null
if curl -s -b "$TMP/jar" -o "$TMP/types.json" -w '%{http_code}' "$URL/api/report-types" | grep -q '^200$' &&
    python3 - "$TMP/types.json" <<'EOF'
import json, sys
body = json.load(open(sys.argv[1], encoding="utf-8"))
types = {t["name"]: t for t in body["items"]}
assert body["total"] == 6, body["total"]
assert set(types) == {"warning_info", "quarterly_analysis", "annual_summary",
                      "subsite_post", "notice", "monthly_export"}, sorted(types)
m = types["monthly_export"]
assert m["label"] == "月度出口统计", m["label"]
assert m["plugin"] == {"name": "monthly_export", "version": "0.1"}, m["plugin"]
assert m["submit_roles"] == ["point"], m["submit_roles"]
assert m["can_submit"] is True          # jiande is a point
fields = {f["name"]: f for f in m["fields"]}
assert [f["name"] for f in m["fields"]] == ["year", "month", "value", "markets", "note"]
assert fields["year"] == {"name": "year", "label": "年度", "type": "int", "required": True,
                          "max_length": None, "dict": None, "min": 2000, "max": 2100}, fields["year"]
assert fields["month"]["min"] == 1 and fields["month"]["max"] == 12
assert fields["value"]["type"] == "text" and fields["value"]["required"] is True
assert fields["value"]["max_length"] == 16 and fields["value"]["label"] == "出口额（万美元）"
assert fields["markets"]["type"] == "list_of_text" and fields["markets"]["max_items"] == 10
assert fields["note"]["type"] == "longtext" and fields["note"]["required"] is False
assert types["warning_info"]["can_submit"] is True
assert types["notice"]["can_submit"] is False
EOF
then
	ok "GET /api/report-types lists monthly_export with its fields"
else
	cat "$TMP/types.json" 2>/dev/null; echo
	not_ok "GET /api/report-types lists monthly_export with its fields"
fi
if grep -q "plugin: monthly_export ready (host plugin ABI 1.0)" "$ROOT/.run/$NAME/yujing.log" &&
    grep -q "plugins: monthly_export 0.1 from $TMP/plugins/monthly_export.so: monthly_export" \
    "$ROOT/.run/$NAME/yujing.log"; then
	ok "the yujing log names the plugin, and the plugin's init logged through the host"
else
	tail -20 "$ROOT/.run/$NAME/yujing.log"; not_ok "the plugin lines in the yujing log"
fi
# Submitted and reviewed through HTTP like any built-in type: the review
# policy sends a point's item of a type it does not know to the province.
if URL=$URL python3 - <<'EOF'
import http.cookiejar, json, os, urllib.error, urllib.request

url = os.environ["URL"]

def client(user):
    jar = http.cookiejar.CookieJar()
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    r = op.open(urllib.request.Request(url + "/api/session",
        json.dumps({"username": user, "password": "Demo#2019"}).encode(),
        {"Content-Type": "application/json"}))
    csrf = json.load(r)["csrf_token"]
    def call(method, path, body):
        req = urllib.request.Request(url + path, json.dumps(body).encode(),
            {"Content-Type": "application/json", "X-CSRF-Token": csrf}, method=method)
        try:
            r = op.open(req)
            return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)
    return call

point, province = client("jiande"), client("province")
st, s = point("POST", "/api/submissions", {"type": "monthly_export",
    "fields": {"year": 2026, "month": 10, "value": "1234.5", "markets": ["美国", "欧盟"]}})
assert st == 201 and s["state"] == "draft", (st, s)
st, bad = point("POST", "/api/submissions", {"type": "monthly_export",
    "fields": {"year": 2026, "month": 13, "value": "1"}})
assert st == 400 and bad["error"]["field"] == "month", (st, bad)
st, s = point("POST", "/api/submissions/%d/submit" % s["id"], {"version": s["version"]})
assert st == 200 and s["state"] == "submitted" and s["review_level"] == "province", (st, s)
st, s = province("POST", "/api/submissions/%d/decisions" % s["id"],
    {"decision": "pass", "version": s["version"]})
assert st == 200 and s["state"] == "approved", (st, s)
assert [(x["decision"], x["reviewer_role"]) for x in s["rounds"]] == [("pass", "province")], s["rounds"]
EOF
then
	ok "a monthly_export item is validated by the plugin, submitted and passed over HTTP"
else
	not_ok "a monthly_export item is validated by the plugin, submitted and passed over HTTP"
fi
# 5. The web UI gets the type's form from /api/report-types alone (when the
#    UI and its browser test tools are built: tests/run.sh builds them).
if [ -f "$ROOT/nginx/www/index.html" ] && [ -d "$ROOT/nginx/ui/node_modules/playwright-core" ] && [ -x /usr/bin/chromium ]; then
	if YJ_UI_BASE=$URL node "$ROOT/tests/ui/plugin-form.mjs" >"$TMP/ui.log" 2>&1; then
		cat "$TMP/ui.log"
	else
		tail -30 "$TMP/ui.log"; not_ok "the web UI builds monthly_export's form from /api/report-types"
	fi
else
	echo "skip - the web UI form of monthly_export: nginx/ui is not built (nginx/ui/build.sh)"
fi
exit $failed
