#!/bin/bash
# Installs the Debian 12 packages that building, running and testing yujing
# need. Does nothing (and needs no network) when all are installed.
set -eu

packages="build-essential autoconf automake libtool pkg-config
	libfcgi-dev spawn-fcgi libmariadb-dev mariadb-server mariadb-client
	liblua5.4-dev libjansson-dev libsodium-dev libxlsxwriter-dev libcmocka-dev
	wrk valgrind curl python3 ca-certificates
	libcurl4-openssl-dev libcairo2-dev libpango1.0-dev fonts-wqy-microhei poppler-utils
	clang libclang-rt-14-dev galera-4 python3-aiosmtpd
	chromium nodejs"
# Any nginx flavour will do; on Debian 12 the package "nginx" holds the
# binary itself (nginx-light only adds the echo module).
nginx_flavours="nginx nginx-light nginx-core nginx-full nginx-extras"

installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=""
for p in $packages; do
	installed "$p" || missing="$missing $p"
done
have_nginx=no
for p in $nginx_flavours; do
	installed "$p" && have_nginx=yes
done
[ "$have_nginx" = yes ] || missing="$missing nginx"
# The web UI's build runs npm. Debian ships it as its own package; a Node
# from elsewhere (which may conflict with Debian's npm package) brings its
# own, so ask for npm only when the command is missing.
command -v npm >/dev/null 2>&1 || installed npm || missing="$missing npm"
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root (or install these packages yourself):$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# mariadb-server and nginx would start their system services on install;
# the stack runs private instances, so forbid that for this install only,
# unless a policy (as in Debian's container images) is already there.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	trap 'rm -f "$policy"' EXIT
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
fi
apt-get update -q </dev/null
# shellcheck disable=SC2086  # word splitting of the package list is wanted
apt-get install -y -q --no-install-recommends $missing </dev/null
