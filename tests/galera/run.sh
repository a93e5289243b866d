#!/bin/bash
# The platform beyond one machine: a MariaDB Galera cluster of three nodes
# (Debian's galera-4) on loopback, two yujing hosts behind one nginx
# upstream, all in .run/galera/ (git-ignored), and the checks of
# tests/galera/check.py against them:
#   - a write through one host is read through the other;
#   - one database node killed under a write load: requests go on, every
#     write answered 2xx is in the cluster with the state it was answered;
#   - two reviewers on different hosts deciding one item at once: exactly
#     one wins, the other gets 409 (a Galera certification conflict comes
#     back at COMMIT as a deadlock, 1213, and is answered 409, never 500);
#   - a logout on one host ends the session on the other within
#     session_cache_ttl.
# Stops everything it started, also when a check fails. Not part of
# tests/run.sh (it takes a minute and three database servers); see the
# README, "Beyond one machine".
set -eu

usage() {
	cat <<'EOF2'
usage: tests/galera/run.sh [options]
  --bin PATH      yujing binary (default build/core/yujing; build it first)
  --base-port N   first of 15 loopback ports (default 18143): Galera
                  replication N..N+2, IST N+3..N+5, SST N+6..N+8, SQL
                  N+9..N+11, nginx: both hosts N+12, host A N+13, host B N+14
  --keep          leave the cluster, the hosts and nginx running at the end
                  (stop them with tests/galera/run.sh --stop)
  --stop          stop what a --keep run left running, and exit
EOF2
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
RUN=$ROOT/.run/galera
bin=$ROOT/build/core/yujing base=18143 keep=no stop_only=no
while [ $# -gt 0 ]; do
	case $1 in
	--bin) bin=$(cd "$(dirname "$2")" && pwd -P)/$(basename "$2"); shift ;;
	--base-port) base=${2:?}; shift ;;
	--keep) keep=yes ;;
	--stop) stop_only=yes ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
case $base in ''|*[!0-9]*) usage >&2; exit 2 ;; esac

say() { printf '[galera] %s\n' "$*"; }
die() { printf '[galera] %s\n' "$*" >&2; exit 1; }

PROVIDER=/usr/lib/galera/libgalera_smm.so
# The servers run as mysql (Debian's mariadb-server user), not root: the
# joining node's rsync daemon, started as root, would write as nobody.
DBUSER=mysql
NODES="1 2 3"
gport() { echo $((base + $1 - 1)); }		# replication (gcomm)
iport() { echo $((base + 2 + $1)); }		# incremental state transfer
sport() { echo $((base + 5 + $1)); }		# state snapshot transfer (rsync)
qport() { echo $((base + 8 + $1)); }		# SQL, on 127.0.0.1
WEB=$((base + 12)) WEB_A=$((base + 13)) WEB_B=$((base + 14))
sock() { echo "$RUN/n$1/mysql.sock"; }

# stop_pid NAME PIDFILE SIGNAL SECS: signal the process, wait for it to go.
stop_pid() {
	local pid i
	[ -f "$2" ] || return 0
	pid=$(cat "$2" 2>/dev/null) || return 0
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -s "$3" "$pid" 2>/dev/null || true
		for ((i = 0; i < $4 * 10; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			say "$1 (pid $pid) still running after $4 s: SIGKILL"
			kill -s KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$2"
}

stop_all() {
	if [ -f "$RUN/nginx.pid" ]; then
		stop_pid nginx "$RUN/nginx.pid" QUIT 10
	fi
	for h in a b; do stop_pid "yujing $h" "$RUN/$h/yujing.pid" TERM 15; done
	for n in 3 2 1; do stop_pid "mariadb n$n" "$RUN/n$n/mariadb.pid" TERM 60; done
}

if [ "$stop_only" = yes ]; then
	stop_all
	say "stopped"
	exit 0
fi

[ -r "$PROVIDER" ] || die "no $PROVIDER: install galera-4 (tests/deps.sh)"
id "$DBUSER" >/dev/null 2>&1 || die "no user $DBUSER (mariadb-server makes it)"
command -v rsync >/dev/null || die "no rsync (the state transfer of a joining node): tests/deps.sh"
[ -x "$bin" ] || die "no yujing binary at $bin: build it (tests/run.sh, or make in build/) or pass --bin"
plugins=$(dirname "$(dirname "$bin")")/plugins/.libs
[ -d "$plugins" ] || plugins=$ROOT/plugins

stop_all
rm -rf "$RUN"
mkdir -p "$RUN"
if [ "$keep" = no ]; then
	trap 'stop_all' EXIT
fi

# ------------------------------------------------------------ the cluster
addresses=""
for n in $NODES; do addresses=$addresses${addresses:+,}127.0.0.1:$(gport "$n"); done
for n in $NODES; do
	mkdir -p "$RUN/n$n/data"
	chown "$DBUSER:" "$RUN/n$n" "$RUN/n$n/data"
	cat >"$RUN/n$n/node.cnf" <<EOF2
# Galera node n$n of tests/galera/run.sh.
[mysqld]
user = $DBUSER
datadir = $RUN/n$n/data
socket = $(sock "$n")
port = $(qport "$n")
bind-address = 127.0.0.1
pid-file = $RUN/n$n/mariadb.pid
log-error = $RUN/n$n/mariadb.log
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
default-time-zone = +08:00
innodb-buffer-pool-size = 64M
max-allowed-packet = 64M
# What Galera needs: row events, InnoDB, interleaved auto-increment locks.
binlog-format = ROW
default-storage-engine = InnoDB
innodb-autoinc-lock-mode = 2
wsrep-on = ON
wsrep-provider = $PROVIDER
wsrep-cluster-name = yujing-galera-test
wsrep-cluster-address = gcomm://$addresses
wsrep-node-name = n$n
wsrep-node-address = 127.0.0.1:$(gport "$n")
wsrep-node-incoming-address = 127.0.0.1:$(qport "$n")
wsrep-provider-options = "gmcast.listen_addr=tcp://127.0.0.1:$(gport "$n");ist.recv_addr=127.0.0.1:$(iport "$n");gcache.size=64M"
wsrep-sst-method = rsync
wsrep-sst-receive-address = 127.0.0.1:$(sport "$n")
# A read waits until the node has applied every write the cluster
# committed before it: a write through one host is read through the other.
wsrep-sync-wait = 1
EOF2
done

node_start() {	# node_start N [--wsrep-new-cluster]
	local n=$1 i state
	shift
	setsid nohup mariadbd --defaults-file="$RUN/n$n/node.cnf" "$@" </dev/null \
	    >>"$RUN/n$n/stdout.log" 2>&1 &
	disown $!
	for ((i = 0; i < 1200; i++)); do
		state=$(mariadb --no-defaults --socket="$(sock "$n")" -u root -N -B \
		    -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2) || true
		if [ "$state" = Synced ]; then
			say "node n$n: synced (pid $(cat "$RUN/n$n/mariadb.pid"), socket .run/galera/n$n/mysql.sock)"
			return 0
		fi
		sleep 0.1
	done
	tail -30 "$RUN/n$n/mariadb.log" >&2
	die "node n$n did not reach Synced within 120 s"
}
sql() {	# sql N STATEMENTS
	mariadb --no-defaults --socket="$(sock "$1")" -u root --default-character-set=utf8mb4 -N -B yujing -e "$2"
}

mariadb-install-db --no-defaults --datadir="$RUN/n1/data" --user="$DBUSER" \
    --auth-root-authentication-method=socket --skip-test-db >"$RUN/n1/install.log" 2>&1 \
    || { cat "$RUN/n1/install.log" >&2; die "mariadb-install-db failed"; }
node_start 1 --wsrep-new-cluster
pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
mariadb --no-defaults --socket="$(sock 1)" -u root <<EOF2 || die "creating the database failed"
CREATE DATABASE yujing CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER 'yujing'@'localhost' IDENTIFIED BY '$pw';
GRANT ALL ON yujing.* TO 'yujing'@'localhost';
EOF2

# ------------------------------------------------------------- the hosts
# Host A reaches n1 first, host B n2; each goes on to the next node of its
# list when its node fails (db_socket lists them).
mkdir -p "$RUN/rules"
cp -R "$ROOT/rules/." "$RUN/rules/"
host_conf() {	# host_conf NAME NODE NODE NODE
	local h=$1
	mkdir -p "$RUN/$h"
	cat >"$RUN/$h/yujing.conf" <<EOF2
# yujing host $h of tests/galera/run.sh
listen = $RUN/$h/yujing.sock
listen_mode = 0666
threads = 4
db_socket = $(sock "$2"),$(sock "$3"),$(sock "$4")
db_name = yujing
db_user = yujing
db_password = $pw
sql_dir = $ROOT/sql
rules_dir = $RUN/rules
plugins_dir = $plugins
cookie_secure = off
session_cache_ttl = 1
EOF2
	chmod 600 "$RUN/$h/yujing.conf"
}
host_conf a 1 2 3
host_conf b 2 3 1

"$bin" migrate -c "$RUN/a/yujing.conf" >"$RUN/migrate.log" 2>&1 \
    || { cat "$RUN/migrate.log" >&2; die "yujing migrate failed"; }
for f in "$ROOT"/sql/demo/*.sql; do
	mariadb --no-defaults --socket="$(sock 1)" -u root --default-character-set=utf8mb4 yujing <"$f" \
	    || die "loading $f failed"
done
say "schema migrated and demo data loaded through n1"

for n in 2 3; do node_start "$n"; done
say "cluster: $(sql 1 "SHOW STATUS LIKE 'wsrep_cluster_size'" | cut -f2) nodes; n3 holds $(sql 3 "SELECT COUNT(*) FROM users") accounts"

# nohup execs yujing, so $! is yujing's pid (setsid would fork first).
cd "$ROOT"
for h in a b; do
	nohup "$bin" -c "$RUN/$h/yujing.conf" </dev/null >>"$RUN/$h/yujing.log" 2>&1 &
	echo $! >"$RUN/$h/yujing.pid"
	disown $!
done
for h in a b; do
	for ((i = 0; i < 100; i++)); do [ -S "$RUN/$h/yujing.sock" ] && break; sleep 0.2; done
	[ -S "$RUN/$h/yujing.sock" ] || { tail -20 "$RUN/$h/yujing.log" >&2; die "yujing $h did not start"; }
	say "yujing $h: pid $(cat "$RUN/$h/yujing.pid")"
done

# ------------------------------------------------------------------ nginx
mkdir -p "$RUN/nginx-tmp"
api_location() {	# api_location UPSTREAM
	cat <<EOF2
		location /api/ {
			include $ROOT/nginx/fastcgi_yujing.conf;
			fastcgi_pass $1;
		}
		location = /metrics {
			allow 127.0.0.1;
			deny all;
			include $ROOT/nginx/fastcgi_yujing.conf;
			fastcgi_pass $1;
		}
EOF2
}
cat >"$RUN/nginx.conf" <<EOF2
# nginx of tests/galera/run.sh: both hosts behind one upstream on $WEB,
# and each host alone on $WEB_A (a) and $WEB_B (b) for the checks.
user root;
worker_processes 1;
pid $RUN/nginx.pid;
error_log $RUN/nginx-error.log warn;
events { worker_connections 1024; }
http {
	access_log $RUN/nginx-access.log;
	client_body_temp_path $RUN/nginx-tmp/body;
	fastcgi_temp_path $RUN/nginx-tmp/fastcgi;
	proxy_temp_path $RUN/nginx-tmp/proxy;
	uwsgi_temp_path $RUN/nginx-tmp/uwsgi;
	scgi_temp_path $RUN/nginx-tmp/scgi;
	upstream both {
		server unix:$RUN/a/yujing.sock;
		server unix:$RUN/b/yujing.sock;
		keepalive 8;
	}
	upstream host_a { server unix:$RUN/a/yujing.sock; keepalive 4; }
	upstream host_b { server unix:$RUN/b/yujing.sock; keepalive 4; }
	server {
		listen 127.0.0.1:$WEB;
		client_max_body_size 1m;
$(api_location both)
	}
	server {
		listen 127.0.0.1:$WEB_A;
$(api_location host_a)
	}
	server {
		listen 127.0.0.1:$WEB_B;
$(api_location host_b)
	}
}
EOF2
nginx -c "$RUN/nginx.conf" -p "$RUN/" -e "$RUN/nginx-error.log" || die "nginx did not start"
say "nginx: both hosts on 127.0.0.1:$WEB, host a on $WEB_A, host b on $WEB_B"

# ----------------------------------------------------------------- checks
rc=0
python3 "$ROOT/tests/galera/check.py" --run "$RUN" --both "http://127.0.0.1:$WEB" \
    --a "http://127.0.0.1:$WEB_A" --b "http://127.0.0.1:$WEB_B" || rc=$?
if [ "$keep" = yes ]; then
	say "left running (--keep); stop with: tests/galera/run.sh --stop"
fi
exit "$rc"
