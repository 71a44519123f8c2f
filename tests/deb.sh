#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/deb.sh FAKE_REGISTRY: 'make check-deb'.
#
# Build the Debian packages of this tree with dpkg-buildpackage (in a copy,
# with DEB_BUILD_OPTIONS=nocheck: 'make check' runs the suite), check them
# with lintian (errors fail; warnings are listed), install them, then use
# what was installed: pierone --version, man -w pierone, a program built
# against libpierone-dev through pkg-config, the autopkgtest smoke test,
# hardening-check on the binaries and the library, and pierone tags
# against the fake registry; then remove the packages again.  One line per
# check, then "N passed, M failed".  Installing needs root (or sudo).

fake=${1:?usage: deb.sh FAKE_REGISTRY}
cd "$(dirname "$0")/.." || exit 2
fake=$(cd "$(dirname "$fake")" && pwd)/$(basename "$fake")
root=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pierone-deb.XXXXXX") || exit 2
pkgs="pierone libpierone0 libpierone-dev"
fpid=
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

cleanup() {
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null
	# shellcheck disable=SC2086
	$SUDO dpkg --purge $pkgs pierone-dbgsym libpierone0-dbgsym \
	    >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
not_ok() { fail=$((fail + 1)); echo "FAIL $*"; }
show() { sed 's/^/     | /' "$1"; }
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

# The packages must not be installed already: this removes them after.
for p in $pkgs; do
	if dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok'; then
		echo "deb.sh: $p is installed; remove it first" >&2
		exit 2
	fi
done

# --- build ---------------------------------------------------------------

mkdir "$tmp/src"
git ls-files -z | (cd "$root" && xargs -0 tar cf -) | tar xf - -C "$tmp/src"
if (cd "$tmp/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc \
    -b) >"$tmp/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b builds" \
	    "$(cd "$tmp" && echo *.deb)"
else
	not_ok "dpkg-buildpackage -us -uc -b"
	tail -30 "$tmp/build.log" | sed 's/^/     | /'
	finish
fi

if command -v lintian >/dev/null 2>&1; then
	lintian --fail-on error "$tmp"/*.changes >"$tmp/lintian.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		ok "lintian: no errors ($(grep -c '^W:' "$tmp/lintian.log")" \
		    "warnings)"
		grep '^W:' "$tmp/lintian.log" | sed 's/^/     | /'
	else
		not_ok "lintian: errors"
		show "$tmp/lintian.log"
	fi
else
	not_ok "lintian is installed"
fi

# ${shlibs:Depends}: the commands need the library, the library libcurl.
deps=$(dpkg-deb -f "$tmp"/pierone_*.deb Depends)
case $deps in
*"libpierone0 (>= "*) ok "pierone depends on libpierone0: $deps" ;;
*)	not_ok "pierone's Depends names libpierone0: $deps" ;;
esac
deps=$(dpkg-deb -f "$tmp"/libpierone0_*.deb Depends)
case $deps in
*libcurl*libyaml*|*libyaml*libcurl*)
	ok "libpierone0 depends on what it links: $deps" ;;
*)	not_ok "libpierone0's Depends names libcurl and libyaml: $deps" ;;
esac

# --- install and use -------------------------------------------------------

debs=$(ls "$tmp"/*.deb | grep -v -- '-dbgsym_')
# shellcheck disable=SC2086
if $SUDO dpkg -i $debs >"$tmp/install.log" 2>&1; then
	ok "dpkg -i installs $pkgs"
else
	not_ok "dpkg -i installs $pkgs"
	show "$tmp/install.log"
	finish
fi

out=$(/usr/bin/pierone --version 2>&1)
case $out in
"Pier One CLI "*) ok "installed /usr/bin/pierone --version: $out" ;;
*) not_ok "installed /usr/bin/pierone --version: $out" ;;
esac
so=$(ldd /usr/bin/pierone | sed -n 's/.*libpierone.so.0 => \([^ ]*\).*/\1/p')
if [ -n "$so" ] && dpkg -S "$(readlink -f "$so")" 2>/dev/null |
    grep -q '^libpierone0'; then
	ok "/usr/bin/pierone links $so, from libpierone0"
else
	not_ok "/usr/bin/pierone links libpierone.so.0 of libpierone0: '$so'"
fi
if page=$(man -w pierone 2>&1) && [ -n "$page" ]; then
	ok "man -w pierone: $page"
else
	not_ok "man -w pierone: $page"
fi
if AUTOPKGTEST_TMP=$tmp sh debian/tests/smoke >"$tmp/smoke.log" 2>&1; then
	ok "debian/tests/smoke: a program built with pkg-config --libs" \
	    "libpierone runs"
else
	not_ok "debian/tests/smoke"
	show "$tmp/smoke.log"
fi
if command -v hardening-check >/dev/null 2>&1; then
	lib=$(dpkg -L libpierone0 | grep 'libpierone.so.0$')
	# Debian 12's dpkg-buildflags has no control-flow protection for
	# any package (hardening=+all included), so it is not asked for.
	if hardening-check --nocfprotection /usr/bin/pierone \
	    /usr/bin/docker-credential-pierone "$lib" >"$tmp/hard.log" 2>&1
	then
		ok "hardening-check --nocfprotection passes on the commands" \
		    "and $lib"
	else
		not_ok "hardening-check"
		show "$tmp/hard.log"
	fi
else
	not_ok "hardening-check (devscripts) is installed"
fi

"$fake" --data tests/data/registry.json --token deb-token \
    --port-file "$tmp/port" >/dev/null 2>"$tmp/fake.log" &
fpid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
out=$(env -u XDG_CONFIG_HOME HOME="$tmp" OAUTH2_ACCESS_TOKENS=pierone=deb-token \
    PIERONE_URL="http://127.0.0.1:$(cat "$tmp/port")" \
    /usr/bin/pierone tags -o tsv myteam myapp 2>&1)
case $out in
"team	artifact	tag	"*"myteam	myapp	1.8.5	"*)
	ok "installed pierone tags myteam myapp against the fake registry" ;;
*)	not_ok "installed pierone tags myteam myapp: $out" ;;
esac

# shellcheck disable=SC2086
if $SUDO dpkg --purge $pkgs >"$tmp/purge.log" 2>&1 &&
    [ ! -e /usr/bin/pierone ]; then
	ok "dpkg --purge removes them"
else
	not_ok "dpkg --purge removes them"
	show "$tmp/purge.log"
fi
finish
