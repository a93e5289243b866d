#!/bin/bash
# The local stack: a private MariaDB, yujing and nginx on 127.0.0.1, with
# all state (data, sockets, logs, generated configs) in .run/NAME/.
# Nothing here uses the system's MariaDB or nginx services or TCP for the
# database. Run "tests/stack.sh help" for usage.
set -eu

usage() {
	cat <<'EOF'
usage: tests/stack.sh COMMAND [options]

commands:
  up           install packages, build, start MariaDB, migrate, load demo
               data, start yujing and nginx (safe to repeat)
  down         stop nginx, yujing and MariaDB
  status       show what runs (exit status 1 unless all three run)
  db-stop      stop the private MariaDB only
  db-start     start the private MariaDB only
  app-restart  restart yujing only (with --bin, --plugins: that binary,
               those plugins)

options:
  --name NAME     stack name; state in .run/NAME/ (default demo)
  --port N        HTTP port on 127.0.0.1 (default: the stack's last, else 8080)
  --bin PATH      yujing binary (default build/core/yujing; app-restart:
                  the one the stack runs)
  --threads N     yujing worker threads (default: the stack's last, else 4)
  --keepalive N   nginx's kept idle connections to yujing (default: the
                  stack's last, else 16)
  --plugins DIR   plugins_dir, the report-type plugins (default: the ones
                  built next to the binary, BUILD/plugins/.libs)
  --no-build      skip autogen/configure/make
  --no-demo       skip sql/demo/*.sql and the demo submissions
  --no-demo-items skip the demo submissions only (tests/demo-items.py:
                  two years of items in every state, made through the API)
  --set KEY=VALUE a yujing.conf line added to the generated configuration
                  (repeatable), e.g. --set scores_parallel_min=2
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

cmd="" name=demo port="" bin="" threads="" keepalive="" plugins="" plugins_given=no build=yes demo=yes items=yes extra=""
while [ $# -gt 0 ]; do
	case $1 in
	--name) name=${2:?--name needs a value}; shift ;;
	--port) port=${2:?--port needs a value}; shift ;;
	--bin) bin=${2:?--bin needs a value}; shift ;;
	--threads) threads=${2:?--threads needs a value}; shift ;;
	--keepalive) keepalive=${2:?--keepalive needs a value}; shift ;;
	--plugins) plugins=${2:?--plugins needs a value}; plugins_given=yes; shift ;;
	--no-build) build=no ;;
	--no-demo) demo=no ;;
	--no-demo-items) items=no ;;
	--set) case ${2:-} in [a-z]*=*) ;; *) usage >&2; exit 2 ;; esac
		extra="$extra${2%%=*} = ${2#*=}
"; shift ;;
	-h|--help|help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) [ -z "$cmd" ] || { usage >&2; exit 2; }; cmd=$1 ;;
	esac
	shift
done
case $cmd in
up|down|status|db-stop|db-start|app-restart) ;;
*) usage >&2; exit 2 ;;
esac
# .run/NAME is the stack's; these folders of .run/ belong to the test
# command, which empties them (a stack there would lose its database).
case $name in
ui|fuzz|galera|""|*/*|.*)
	echo "stack.sh: \"$name\" cannot be a stack's name: .run/$name is the test command's own folder" >&2
	exit 2 ;;
esac

say() { printf '[%s] %s\n' "$name" "$*"; }
die() { printf '[%s] error: %s\n' "$name" "$*" >&2; exit 1; }
rel() { printf '%s' "${1#"$ROOT"/}"; }
# The last 20 lines of a log, on stderr.
show_log() { [ ! -s "$1" ] || { echo "--- $(rel "$1"):"; tail -n 20 "$1"; } >&2; }

case $name in *[!A-Za-z0-9_-]*|'') die "--name: letters, digits, _ and - only" ;; esac
case $ROOT in *[[:space:]]*) die "the source tree's path must not contain spaces: $ROOT" ;; esac

RUN=$ROOT/.run/$name
CONF=$RUN/yujing.conf
ENVFILE=$RUN/stack.env

# A value recorded by the last "up" in stack.env, or empty.
recorded() { [ ! -f "$ENVFILE" ] || sed -n "s/^$1=//p" "$ENVFILE"; }
port=${port:-$(recorded PORT)}; port=${port:-8080}
threads=${threads:-$(recorded THREADS)}; threads=${threads:-4}
keepalive=${keepalive:-$(recorded KEEPALIVE)}; keepalive=${keepalive:-16}
case $port in ''|*[!0-9]*) die "--port: a number" ;; esac
case $threads in ''|*[!0-9]*) die "--threads: a number" ;; esac
case $keepalive in ''|*[!0-9]*) die "--keepalive: a number" ;; esac
if [ -n "$bin" ]; then
	case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
elif [ "$cmd" = app-restart ] && [ -s "$RUN/yujing.bin" ]; then
	bin=$(cat "$RUN/yujing.bin")
else
	bin=$ROOT/build/core/yujing
fi
URL=http://127.0.0.1:$port
if [ -z "$plugins" ]; then
	plugins=$(dirname "$(dirname "$bin")")/plugins/.libs
else
	case $plugins in /*) ;; *) plugins=$PWD/$plugins ;; esac
fi

# A unix socket path must fit sun_path (108 bytes with the NUL). In a deep
# source tree use /tmp, named after a hash of the state directory.
sock_path() {
	local p=$RUN/$1
	if [ "$(printf %s "$p" | wc -c)" -ge 100 ]; then
		p=/tmp/yujing-$(printf %s "$RUN" | sha256sum | cut -c1-16)-$1
	fi
	printf '%s' "$p"
}
DB_SOCKET=$(sock_path mysql.sock)
APP_SOCKET=$(sock_path yujing.sock)
HELLO_SOCKET=$(sock_path hello.sock)

# MariaDB's administrative account: the OS user running the stack
# (root in CI), authenticated by unix_socket.
DBADMIN=$(id -un)
db_admin() { mariadb --no-defaults --socket="$DB_SOCKET" -u "$DBADMIN" --default-character-set=utf8mb4 "$@"; }

# alive PID PATTERN: PID is a live process whose command line contains
# PATTERN (an absolute path of this stack), so a recycled pid is never hit.
alive() {
	[ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$2"
}
# running PIDFILE PATTERN: print the pid of the live process PIDFILE names.
running() {
	local pid
	[ -s "$1" ] || return 1
	pid=$(cat "$1")
	case $pid in *[!0-9]*) return 1 ;; esac
	alive "$pid" "$2" || return 1
	printf '%s' "$pid"
}
# stop WHAT PIDFILE PATTERN SIGNAL SECONDS [COMMAND...]: ask the process
# to end with COMMAND (without one, or if it fails, with SIGNAL), wait
# SECONDS, then SIGKILL it.
stop() {
	local what=$1 file=$2 pattern=$3 sig=$4 secs=$5 pid i
	shift 5
	pid=$(running "$file" "$pattern") || { say "$what: not running"; return 0; }
	if [ $# -eq 0 ] || ! "$@" >/dev/null 2>&1; then
		kill -s "$sig" "$pid" 2>/dev/null || true
	fi
	for ((i = 0; i < secs * 5; i++)); do
		alive "$pid" "$pattern" || { say "$what: stopped"; rm -f "$file"; return 0; }
		sleep 0.2
	done
	say "$what: still running after $secs s, killing pid $pid"
	kill -s KILL "$pid" 2>/dev/null || true
	rm -f "$file"
}

DB_PATTERN="--datadir=$RUN/mysql"
APP_PATTERN="-c $CONF"
NGINX_PATTERN="$RUN/nginx.conf"

db_start() {
	local pid i
	if pid=$(running "$RUN/mariadb.pid" "$DB_PATTERN"); then
		say "mariadb: running (pid $pid)"
		return 0
	fi
	if [ ! -f "$RUN/mysql.installed" ]; then
		[ "$cmd" = up ] || die "stack $name has no database; run: tests/stack.sh up --name $name"
		rm -rf "$RUN/mysql"
		mariadb-install-db --no-defaults --datadir="$RUN/mysql" --user="$DBADMIN" \
		    --auth-root-authentication-method=socket --skip-test-db \
		    >"$RUN/mariadb-install.log" 2>&1 \
		    || { show_log "$RUN/mariadb-install.log"; die "mariadb-install-db failed"; }
		touch "$RUN/mysql.installed"
	fi
	setsid nohup mariadbd --no-defaults --user="$DBADMIN" --datadir="$RUN/mysql" \
	    --socket="$DB_SOCKET" --skip-networking --pid-file="$RUN/mariadb.pid" \
	    --log-error="$RUN/mariadb.log" --character-set-server=utf8mb4 --default-time-zone=+08:00 \
	    --collation-server=utf8mb4_unicode_ci --innodb-buffer-pool-size=256M --max-allowed-packet=64M \
	    </dev/null >>"$RUN/mariadb.log" 2>&1 &
	pid=$!
	for ((i = 0; i < 300; i++)); do
		if mariadb-admin --no-defaults --socket="$DB_SOCKET" -u "$DBADMIN" ping >/dev/null 2>&1; then
			say "mariadb: started (pid $pid, socket $(rel "$DB_SOCKET"))"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break	# our child: no pattern before exec
		sleep 0.2
	done
	show_log "$RUN/mariadb.log"
	kill -0 "$pid" 2>/dev/null || die "mariadbd exited"
	die "mariadb did not answer within 60 s"
}

db_stop() {
	stop mariadb "$RUN/mariadb.pid" "$DB_PATTERN" TERM 60 \
	    mariadb-admin --no-defaults --socket="$DB_SOCKET" -u "$DBADMIN" shutdown
}

# The database, its user and password (made once, kept in db_password).
db_setup() {
	local pw
	if [ ! -s "$RUN/db_password" ]; then
		(umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$RUN/db_password")
	fi
	chmod 600 "$RUN/db_password"
	pw=$(cat "$RUN/db_password")
	db_admin <<-EOF || die "creating the database and its user failed"
		CREATE DATABASE IF NOT EXISTS yujing CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
		CREATE USER IF NOT EXISTS 'yujing'@'localhost' IDENTIFIED BY '$pw';
		ALTER USER 'yujing'@'localhost' IDENTIFIED BY '$pw';
		GRANT ALL ON yujing.* TO 'yujing'@'localhost';
	EOF
	say "database: yujing, user yujing"
}

# write_file FILE MODE < content: replace FILE only when the content differs.
write_file() {
	cat >"$1.new"
	chmod "$2" "$1.new"
	if cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv -f "$1.new" "$1"; fi
}

write_configs() {
	{ cat <<-EOF
		# Generated by tests/stack.sh for the stack "$name"; rewritten by "up".
		listen = $APP_SOCKET
		listen_mode = 0666
		threads = $threads
		db_socket = $DB_SOCKET
		db_name = yujing
		db_user = yujing
		db_password = $(cat "$RUN/db_password")
		sql_dir = $ROOT/sql
		rules_dir = $RUN/rules
		plugins_dir = $plugins
		cookie_secure = off
		public_url = $URL
		channel_allow_hosts = 127.0.0.1
	EOF
	  printf '%s' "$extra"; } | write_file "$CONF" 600
	# The stack's own copy of rules/, refreshed by every "up": edit the
	# copy to watch a live reload, rules/ to keep a change.
	mkdir -p "$RUN/rules"
	cp -R "$ROOT/rules/." "$RUN/rules/"
	mkdir -p "$RUN/nginx-tmp"
	sed -e "s|@PORT@|$port|g" -e "s|@RUN@|$RUN|g" -e "s|@SRC@|$ROOT|g" \
	    -e "s|@APP_SOCKET@|$APP_SOCKET|g" -e "s|@HELLO_SOCKET@|$HELLO_SOCKET|g" \
	    -e "s|@KEEPALIVE@|$keepalive|g" "$ROOT/nginx/local.conf.in" \
	    | write_file "$RUN/nginx.conf" 644
	# For tests/bench.sh and the HTTP tests; plain KEY=value lines.
	write_file "$ENVFILE" 644 <<-EOF
		NAME=$name
		URL=$URL
		PORT=$port
		THREADS=$threads
		KEEPALIVE=$keepalive
		BACKLOG=$(printf '%s' "$extra" | sed -n 's/^backlog = //p' | tail -1 | grep . || echo 1024)
		RUN=$RUN
		CONF=$CONF
		DB_SOCKET=$DB_SOCKET
		APP_SOCKET=$APP_SOCKET
		HELLO_SOCKET=$HELLO_SOCKET
	EOF
}

build() {
	cd "$ROOT"
	if [ ! -x configure ] || [ configure.ac -nt configure ]; then
		./autogen.sh >"$RUN/build.log" 2>&1 \
		    || { show_log "$RUN/build.log"; die "autogen.sh failed"; }
	fi
	if [ ! -f build/Makefile ]; then
		mkdir -p build
		(cd build && ../configure) >"$RUN/build.log" 2>&1 \
		    || { show_log "$RUN/build.log"; die "configure failed"; }
	fi
	make -C build -j2 >"$RUN/build.log" 2>&1 \
	    || { show_log "$RUN/build.log"; die "make failed (full log: $(rel "$RUN/build.log"))"; }
	# The web UI (nginx/ui) into nginx/www, when its sources changed.
	"$ROOT/nginx/ui/build.sh" >"$RUN/build-ui.log" 2>&1 \
	    || { show_log "$RUN/build-ui.log"; die "the web UI build failed (full log: $(rel "$RUN/build-ui.log"))"; }
	say "build: ok"
}

migrate() {
	local out
	[ -x "$bin" ] || die "no yujing binary at $(rel "$bin"); build it or pass --bin"
	out=$("$bin" -t -c "$CONF" 2>&1) || { printf '%s\n' "$out" >&2; die "configuration test failed"; }
	out=$("$bin" migrate -c "$CONF" 2>&1) || { printf '%s\n' "$out" >&2; die "migration failed"; }
	say "migrate: ok"
}

load_demo() {
	local f n=0
	for f in "$ROOT"/sql/demo/*.sql; do
		[ -e "$f" ] || continue
		db_admin yujing <"$f" || die "loading $(rel "$f") failed"
		n=$((n + 1))
	done
	say "demo data: $n files loaded"
}

app_start() {
	local pid i
	if pid=$(running "$RUN/yujing.pid" "$APP_PATTERN"); then
		# Keep it, unless the binary was rebuilt or replaced, or the
		# config changed, since it started.
		if [ "$bin" = "$(cat "$RUN/yujing.bin" 2>/dev/null)" ] \
		    && [ ! "$bin" -nt "$RUN/yujing.pid" ] && [ ! "$CONF" -nt "$RUN/yujing.pid" ]; then
			say "yujing: running (pid $pid)"
			return 0
		fi
		stop yujing "$RUN/yujing.pid" "$APP_PATTERN" TERM 15
	fi
	[ -x "$bin" ] || die "no yujing binary at $(rel "$bin"); build it or pass --bin"
	[ -f "$CONF" ] || die "no $(rel "$CONF"); run: tests/stack.sh up --name $name"
	rm -f "$APP_SOCKET"
	cd "$ROOT"
	setsid nohup "$bin" -c "$CONF" </dev/null >>"$RUN/yujing.log" 2>&1 &
	pid=$!
	echo "$pid" >"$RUN/yujing.pid"
	printf '%s\n' "$bin" >"$RUN/yujing.bin"
	for ((i = 0; i < 100; i++)); do
		if [ -S "$APP_SOCKET" ]; then
			say "yujing: started (pid $pid, $threads threads, log $(rel "$RUN/yujing.log"))"
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break	# our child: no pattern before exec
		sleep 0.2
	done
	show_log "$RUN/yujing.log"
	kill -0 "$pid" 2>/dev/null || die "yujing exited"
	die "yujing did not create $(rel "$APP_SOCKET") within 20 s"
}

app_stop() {
	stop yujing "$RUN/yujing.pid" "$APP_PATTERN" TERM 15
	rm -f "$APP_SOCKET"
}

nginx_run() { nginx -c "$RUN/nginx.conf" -p "$RUN/" -e "$RUN/nginx-error.log" "$@"; }

# children PID: the pids of PID's child processes.
children() {
	local f ppid
	for f in /proc/[0-9]*/stat; do
		read -r _ _ _ ppid _ <"$f" 2>/dev/null || continue
		[ "$ppid" != "$1" ] || { f=${f#/proc/}; echo "${f%/stat}"; }
	done
}

nginx_start() {
	local pid old left w i
	nginx_run -t -q || die "nginx rejects $(rel "$RUN/nginx.conf")"
	if pid=$(running "$RUN/nginx.pid" "$NGINX_PATTERN"); then
		# A reload is done when the old workers have gone.
		old=$(children "$pid")
		nginx_run -s reload || die "nginx reload failed"
		for ((i = 0; i < 50; i++)); do
			left=""
			for w in $old; do [ ! -e "/proc/$w" ] || left=$w; done
			[ -n "$left" ] || break
			sleep 0.2
		done
		say "nginx: reloaded (pid $pid)"
	else
		nginx_run || { show_log "$RUN/nginx-error.log"; die "nginx did not start"; }
		say "nginx: started on $URL"
	fi
}

# nginx -s quit is SIGQUIT to the master: finish requests, then exit.
nginx_stop() { stop nginx "$RUN/nginx.pid" "$NGINX_PATTERN" QUIT 15; }

# Print "STATUS BODY" of GET /api/health.
health() {
	local out
	out=$(curl -s --max-time 5 -w '\n%{http_code}' "$URL/api/health") || true
	printf '%s %s' "${out##*$'\n'}" "${out%$'\n'*}"
}

wait_health() {
	local h i
	for ((i = 0; i < 100; i++)); do
		h=$(health)
		case $h in 200\ *) say "health: ${h#200 }"; return 0 ;; esac
		sleep 0.2
	done
	show_log "$RUN/yujing.log"
	show_log "$RUN/nginx-error.log"
	die "GET $URL/api/health did not answer 200 within 20 s (last: $h)"
}

status() {
	local rc=0 pid what file pattern
	for what in mariadb yujing nginx; do
		case $what in
		mariadb) file=$RUN/mariadb.pid pattern=$DB_PATTERN ;;
		yujing) file=$RUN/yujing.pid pattern=$APP_PATTERN ;;
		nginx) file=$RUN/nginx.pid pattern=$NGINX_PATTERN ;;
		esac
		if pid=$(running "$file" "$pattern"); then
			say "$what: running (pid $pid)"
		else
			say "$what: stopped"
			rc=1
		fi
	done
	if running "$RUN/nginx.pid" "$NGINX_PATTERN" >/dev/null; then
		say "health: $(health)"
	fi
	return $rc
}

case $cmd in
up)
	mkdir -p "$RUN"
	"$ROOT/tests/deps.sh"
	say "packages: ok"
	[ "$build" = no ] || build
	db_start
	db_setup
	write_configs
	migrate
	[ "$demo" = no ] || load_demo
	app_start
	nginx_start
	wait_health
	if [ "$demo" = yes ] && [ "$items" = yes ]; then
		python3 "$ROOT/tests/demo-items.py" --url "$URL" --conf "$CONF" --bin "$bin" \
		    --socket "$DB_SOCKET" --dbuser "$DBADMIN" >"$RUN/demo-items.log" 2>&1 \
		    || { show_log "$RUN/demo-items.log"; die "loading the demo submissions failed"; }
		say "demo items: $(tail -1 "$RUN/demo-items.log")"
	fi
	echo
	echo "yujing ($name) runs at $URL"
	if [ "$demo" = yes ]; then
		echo "demo accounts, password Demo#2019:"
		echo "  admin     系统管理员"
		echo "  province  省商务厅"
		echo "  hangzhou  杭州市商务局"
		echo "  jiande    建德精细化工产品对外贸易预警示范点"
		echo "  editor    《浙江商务》编辑"
	fi
	if [ "$name" = demo ]; then
		echo "stop it with: tests/stack.sh down"
	else
		echo "stop it with: tests/stack.sh down --name $name"
	fi
	;;
down)
	nginx_stop
	app_stop
	db_stop
	;;
status) status ;;
db-stop) db_stop ;;
db-start) db_start ;;
app-restart)
	# --plugins: serve those plugins from now on (the configuration
	# keeps them for the next restarts; "up" writes its own again).
	if [ "$plugins_given" = yes ]; then
		[ -f "$CONF" ] || die "no $(rel "$CONF"); run: tests/stack.sh up --name $name"
		[ -d "$plugins" ] || die "--plugins: no folder $plugins"
		sed "s|^plugins_dir = .*|plugins_dir = $plugins|" "$CONF" | write_file "$CONF" 600
		say "plugins_dir: $plugins"
	fi
	app_stop
	app_start
	;;
esac
