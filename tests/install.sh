#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/install.sh [DESTDIR_PARENT]
#
# 'make install' into a temporary DESTDIR under DESTDIR_PARENT (default
# $TMPDIR or /tmp), then check what was installed: every file there with
# its mode and nothing else, the installed pierone runs, a program built
# against the installed header and library through the installed
# pkg-config file works, the EXAMPLE of libpierone(3) compiles and runs,
# the shell completions load; then 'make uninstall' must leave nothing
# but empty directories.  One line per check, then "N passed, M failed";
# the exit status is 1 when a check failed.  Needs no network: the only
# requests go to 127.0.0.1:1, where nothing listens.
#
# MAKE (default make) may carry options, such as MAKE='make O=build/x';
# run from 'make check-install', the sub-makes inherit its variables.

parent=${1:-${TMPDIR:-/tmp}}
MAKE=${MAKE:-make}
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
PREFIX=/usr/local
# The Makefile's other directories follow PREFIX unless set: make sure.
unset BINDIR LIBDIR INCDIR MANDIR BASHCOMPDIR ZSHCOMPDIR DESTDIR

parent=$(cd "$parent" 2>/dev/null && pwd) || {
	echo "install.sh: no directory '${1:-${TMPDIR:-/tmp}}'" >&2
	exit 2
}
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d "$parent/.pierone-install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
D=$tmp/dest
P=$D$PREFIX
mkdir "$D" "$tmp/work" || exit 2

pass=0
fail=0
ok() {
	pass=$((pass + 1))
	echo "ok   $*"
}
not_ok() {
	fail=$((fail + 1))
	echo "FAIL $*"
}
# Show a log indented under a failure.
show() {
	sed 's/^/     | /' "$1"
}

# name:mode:source (the file it must be a copy of; empty: built)
files="bin/pierone:755:
bin/docker-credential-pierone:755:
lib/libpierone.a:644:
lib/libpierone.so.0:644:
lib/pkgconfig/libpierone.pc:644:
include/pierone.h:644:lib/pierone.h
share/man/man1/pierone.1:644:man/pierone.1
share/man/man1/docker-credential-pierone.1:644:man/docker-credential-pierone.1
share/man/man3/libpierone.3:644:man/libpierone.3
share/man/man5/pierone.yaml.5:644:man/pierone.yaml.5
share/bash-completion/completions/pierone:644:cli/completion.bash
share/zsh/site-functions/_pierone:644:cli/completion.zsh"

# --- install ---------------------------------------------------------

if $MAKE install DESTDIR="$D" PREFIX=$PREFIX >"$tmp/make.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=$PREFIX"
else
	not_ok "make install DESTDIR=... PREFIX=$PREFIX"
	show "$tmp/make.log"
fi

# ls -l, not stat(1): its options differ between GNU and BSD.
perms() {
	case $1 in
	755) echo "-rwxr-xr-x" ;;
	644) echo "-rw-r--r--" ;;
	esac
}
n=0
IFS_save=$IFS
IFS='
'
for line in $files; do
	IFS=$IFS_save
	name=${line%%:*}
	rest=${line#*:}
	mode=${rest%%:*}
	src=${rest#*:}
	n=$((n + 1))
	f=$P/$name
	if [ ! -f "$f" ]; then
		not_ok "$PREFIX/$name installed"
		continue
	fi
	got=$(ls -ld "$f" | cut -c1-10)
	if [ "$got" != "$(perms "$mode")" ]; then
		not_ok "$PREFIX/$name installed with mode $mode (has $got)"
	elif [ -n "$src" ] && ! cmp -s "$src" "$f"; then
		not_ok "$PREFIX/$name installed, a copy of $src"
	else
		ok "$PREFIX/$name installed, mode $mode${src:+, a copy of $src}"
	fi
done
IFS=$IFS_save

# the development link, to the library by its SONAME
if [ "$(readlink "$P/lib/libpierone.so")" = libpierone.so.0 ]; then
	ok "$PREFIX/lib/libpierone.so -> libpierone.so.0"
else
	not_ok "$PREFIX/lib/libpierone.so -> libpierone.so.0"
fi
n=$((n + 1))
extra=$(cd "$D" && find . ! -type d | sed 's|^\./||' | sort)
nfound=$(printf '%s\n' "$extra" | grep -c .)
if [ "$nfound" -eq "$n" ]; then
	ok "nothing else installed ($n files)"
else
	not_ok "nothing else installed: $nfound files, expected $n"
	printf '%s\n' "$extra" | sed 's/^/     | /'
fi

# --- the libraries ---------------------------------------------------

# Only the public API is visible: a program may have its own helpers.
soname=$(readelf -d "$P/lib/libpierone.so.0" 2>/dev/null |
    sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ "$soname" = libpierone.so.0 ]; then
	ok "libpierone.so.0 has the SONAME libpierone.so.0"
else
	not_ok "libpierone.so.0 has the SONAME libpierone.so.0: '$soname'"
fi
others=$(nm -D --defined-only "$P/lib/libpierone.so.0" 2>&1 |
    awk '$3 !~ /^pierone_/ && $3 != "PIERONE_0"')
if [ -z "$others" ] && nm -D --defined-only "$P/lib/libpierone.so.0" |
    grep -q ' T pierone_client_new@@PIERONE_0$'; then
	ok "libpierone.so.0 exports pierone_* only, versioned PIERONE_0"
else
	not_ok "libpierone.so.0 exports pierone_* only, versioned PIERONE_0"
	printf '%s\n' "$others" | head -5 | sed 's/^/     | /'
fi
others=$(nm -g --defined-only "$P/lib/libpierone.a" 2>&1 |
    awk 'NF == 3 && $3 !~ /^pierone_/')
if [ -z "$others" ]; then
	ok "libpierone.a defines no global symbol but pierone_*"
else
	not_ok "libpierone.a defines no global symbol but pierone_*"
	printf '%s\n' "$others" | head -5 | sed 's/^/     | /'
fi

# Installed in a DESTDIR, the library is not where ld.so looks.
LD_LIBRARY_PATH=$P/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
if ldd "$P/bin/pierone" 2>/dev/null | grep -q "libpierone.so.0 => $P/lib/"
then
	ok "the installed pierone links the installed libpierone.so.0"
else
	not_ok "the installed pierone links the installed libpierone.so.0"
	ldd "$P/bin/pierone" 2>&1 | sed 's/^/     | /'
fi

# --- the programs ----------------------------------------------------

hversion=$(sed -n 's/^.define PIERONE_VERSION "\(.*\)"/\1/p' \
    "$P/include/pierone.h")
out=$("$P/bin/pierone" --version 2>&1)
if [ "$out" = "Pier One CLI $hversion" ]; then
	ok "installed pierone --version: $out"
else
	not_ok "installed pierone --version: '$out', expected" \
	    "'Pier One CLI $hversion'"
fi
out=$("$P/bin/docker-credential-pierone" version 2>&1)
case $out in
*" $hversion") ok "installed docker-credential-pierone version: $out" ;;
*) not_ok "installed docker-credential-pierone version: '$out'" ;;
esac

# --- pkg-config ------------------------------------------------------

pc=$P/lib/pkgconfig/libpierone.pc
if [ ! -f "$pc" ] || grep -q '@[A-Z][A-Z_]*@' "$pc"; then
	not_ok "libpierone.pc has every @PLACEHOLDER@ filled in"
	grep '@[A-Z][A-Z_]*@' "$pc" 2>&1 | sed 's/^/     | /'
else
	ok "libpierone.pc has every @PLACEHOLDER@ filled in"
fi
pkgconf() {
	PKG_CONFIG_PATH=$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D \
	    $PKG_CONFIG "$@"
}
pcversion=$(pkgconf --modversion libpierone 2>&1)
if [ "$pcversion" = "$hversion" ]; then
	ok "pkg-config --modversion libpierone: $pcversion"
else
	not_ok "pkg-config --modversion libpierone: '$pcversion'," \
	    "expected '$hversion' as in pierone.h"
fi
flags=$(pkgconf --cflags --libs libpierone 2>"$tmp/pc.log")
case $flags in
*"-I$P/include "*"-L$P/lib "*"-lpierone"*)
	ok "pkg-config --cflags --libs libpierone: $flags" ;;
*)
	not_ok "pkg-config --cflags --libs libpierone: '$flags'" \
	    "lacks -I$P/include, -L$P/lib or -lpierone"
	show "$tmp/pc.log" ;;
esac

# --- a program against the installed library -------------------------

# Compile and link $1.c into $1 with the installed library alone.
build() {
	# shellcheck disable=SC2086 # $flags is a list of options
	$CC -o "$1" "$1.c" $flags >"$1.log" 2>&1
}

cat >"$tmp/work/teams.c" <<'EOF'
#include <stdio.h>
#include <string.h>

#include <pierone.h>

/* Nothing listens on port 1: listing teams must fail on the network. */
int
main(void)
{
	struct pierone_options opts = PIERONE_OPTIONS_INIT;
	struct pierone_err err = { 0 };
	struct pierone_strlist *teams = NULL;
	pierone_client *client;
	int rc;

	opts.url = "http://127.0.0.1:1";
	opts.retries = 0;
	opts.timeout_ms = 10000;
	if ((rc = pierone_client_new(&client, &opts, &err)) != 0) {
		printf("pierone_client_new: %s: %s\n", pierone_strerror(rc),
		    err.msg);
		return 1;
	}
	rc = pierone_teams_list(&teams, client);
	printf("%s %s: %s\n", PIERONE_VERSION, pierone_strerror(rc),
	    pierone_errmsg(client));
	pierone_strlist_free(teams);
	pierone_client_free(client);
	return rc == PIERONE_ENETWORK && teams == NULL ? 0 : 1;
}
EOF
if build "$tmp/work/teams"; then
	ok "a program builds with pierone.h and libpierone as installed"
	out=$("$tmp/work/teams" 2>&1)
	if [ $? -eq 0 ]; then
		ok "it gets PIERONE_ENETWORK from 127.0.0.1:1: ${out#* }"
	else
		not_ok "it gets PIERONE_ENETWORK from 127.0.0.1:1: $out"
	fi
else
	not_ok "a program builds with pierone.h and libpierone as installed"
	show "$tmp/work/teams.log"
fi

# pkg-config --static names what the archive needs besides.
sflags=$(pkgconf --static --libs libpierone 2>>"$tmp/pc.log")
case " $sflags " in
*" -lpierone "*" -lcurl "*" -lcjson "*" -lyaml "*" -larchive "*)
	ok "pkg-config --static --libs libpierone adds the libraries it needs" ;;
*)
	not_ok "pkg-config --static --libs libpierone: '$sflags'" ;;
esac
# The static archive, with those libraries shared (Debian ships libcurl's
# own dependencies as shared libraries only), in a program that has
# functions of the names libpierone uses inside: no clash.
sflags="$(pkgconf --cflags libpierone) $($PKG_CONFIG --libs libcurl \
    libcjson yaml-0.1 libbsd libmd libarchive) -lm"
sed -e 's/^main(void)$/base64_encode(void) { return 1; }\
int curl_error(void) { return 2; }\
int err_set(void) { return 3; }\
int\
main(void)/' "$tmp/work/teams.c" >"$tmp/work/static.c"
# shellcheck disable=SC2086 # $sflags is a list of options
if $CC -o "$tmp/work/static" "$tmp/work/static.c" "$P/lib/libpierone.a" \
    $sflags >"$tmp/work/static.log" 2>&1 && "$tmp/work/static" >/dev/null
then
	ok "a program with its own base64_encode, curl_error and err_set" \
	    "links libpierone.a and works"
else
	not_ok "a program with its own base64_encode, curl_error and err_set" \
	    "links libpierone.a and works"
	show "$tmp/work/static.log"
fi

# The EXAMPLES of libpierone(3): the first literal display is the program.
sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$P/share/man/man3/libpierone.3" 2>/dev/null |
    sed -n '/^\.Bd -literal/,/^\.Ed/{
	/^\.Bd/d
	/^\.Ed/q
	s/\\e/\\/g
	s/\\&//g
	p
}' >"$tmp/work/example.c"
if grep -q '^main(' "$tmp/work/example.c" && build "$tmp/work/example"
then
	ok "the EXAMPLE of the installed libpierone.3 builds"
	mkdir -p "$tmp/work/config"
	out=$(cd "$tmp/work" && XDG_CONFIG_HOME=$tmp/work/config \
	    HOME=$tmp/work OAUTH2_ACCESS_TOKENS=pierone=not-a-token \
	    PIERONE_URL=http://127.0.0.1:1 PIERONE_RETRIES=0 \
	    ./example myteam 2>&1)
	rc=$?
	case $rc:$out in
	"1:./example: cannot list artifacts of team 'myteam': "*"(network error)")
		ok "it fails on the network as it should: $out" ;;
	*)
		not_ok "it fails on the network as it should: status $rc," \
		    "'$out'" ;;
	esac
	out=$(cd "$tmp/work" && ./example 2>&1)
	rc=$?
	if [ $rc -eq 2 ]; then
		ok "without a team it says: $out"
	else
		not_ok "without a team it exits 2, not $rc: '$out'"
	fi
else
	not_ok "the EXAMPLE of the installed libpierone.3 builds"
	[ -f "$tmp/work/example.log" ] && show "$tmp/work/example.log"
fi

# --- shell completions -----------------------------------------------

bcomp=$P/share/bash-completion/completions/pierone
if command -v bash >/dev/null 2>&1; then
	out=$(bash --norc --noprofile -c '. "$1" && complete -p pierone &&
	    COMP_LINE="pierone t" COMP_POINT=9 COMP_WORDS=(pierone t) \
	    COMP_CWORD=1 && _pierone pierone t pierone &&
	    echo "${COMPREPLY[*]}"' sh "$bcomp" 2>&1)
	if [ "$out" = "complete -F _pierone pierone
tags teams" ]; then
		ok "bash loads the installed completion; 'pierone t' gives" \
		    "tags teams"
	else
		not_ok "bash loads the installed completion: '$out'"
	fi
else
	echo "skip bash not installed: completion not tried"
fi
zcomp=$P/share/zsh/site-functions/_pierone
if command -v zsh >/dev/null 2>&1; then
	if zsh -n "$zcomp" >"$tmp/zsh.log" 2>&1 &&
	    [ "$(head -n 1 "$zcomp")" = "#compdef pierone" ]; then
		ok "zsh -n accepts the installed _pierone, #compdef pierone"
	else
		not_ok "zsh -n accepts the installed _pierone, #compdef pierone"
		show "$tmp/zsh.log"
	fi
else
	echo "skip zsh not installed: _pierone not checked"
fi

# --- uninstall -------------------------------------------------------

if $MAKE uninstall DESTDIR="$D" PREFIX=$PREFIX >"$tmp/make.log" 2>&1; then
	ok "make uninstall DESTDIR=... PREFIX=$PREFIX"
else
	not_ok "make uninstall DESTDIR=... PREFIX=$PREFIX"
	show "$tmp/make.log"
fi
left=$(cd "$D" && find . ! -type d)
if [ -z "$left" ]; then
	ok "nothing but empty directories left after uninstall"
else
	not_ok "nothing but empty directories left after uninstall:"
	printf '%s\n' "$left" | sed 's/^/     | /'
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
