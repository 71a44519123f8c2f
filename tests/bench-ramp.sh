#!/bin/sh
# make bench, second part: pierone tags against a server with a short
# accept queue (issue 15), against -j 4 on the same server in the same
# run, and the same on a normal server.
# usage: bench-ramp.sh PIERONE FAKE_REGISTRY
#
# Both fakes serve 100 artifacts of 5 tags with 10 ms per request; the
# short-queue one listens with a backlog of 5 and serves 32 connections
# at once (past those, SYNs are dropped and queued connections wait).
# Wall time: the median of N runs, -j 4, the default and -j 64 taking
# turns, after one untimed run of each.  Target: the default and -j 64
# take at most 1.25 times -j 4's time on the short queue.
#
# Exit status: 0 when everything ran, even if a target is missed (the
# table says so); 1 when something is broken.

if [ -z "${BASH_VERSION:-}" ] && command -v bash >/dev/null 2>&1; then
	exec bash "$0" "$@"
fi
set -eu
LC_ALL=C
export LC_ALL

if [ $# -ne 2 ]; then
	echo "usage: bench-ramp.sh PIERONE FAKE_REGISTRY" >&2
	exit 2
fi
pierone=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fake=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
runs=${BENCH_RAMP_RUNS:-7}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pierone-bench-ramp.XXXXXX")
pids=""

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || :
		wait "$p" 2>/dev/null || :
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP PIPE

die() {
	echo "bench-ramp: $*" >&2
	exit 1
}

[ -x "$pierone" ] || die "$pierone: not an executable"
[ -x "$fake" ] || die "$fake: not an executable"

# Microseconds into $now: bash's $EPOCHREALTIME, else date(1).
if [ -n "${EPOCHREALTIME:-}" ]; then
	stamp() { _e=$EPOCHREALTIME; now=${_e%.*}${_e#*.}; }
else
	stamp() { now=$(($(date +%s%N) / 1000)); }
fi

# None of the user's files or settings take part.
export HOME="$tmp/home"
mkdir -p "$HOME"
for v in $(env | sed -n 's/^\(PIERONE_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done
unset XDG_CONFIG_HOME CREDENTIALS_DIR CURL_HOME http_proxy https_proxy \
    HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy || :
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
export OAUTH2_ACCESS_TOKENS="pierone=bench-token"

# start NAME ARGS...: a fake on an ephemeral port; its URL in $url.
start() {
	_name=$1
	shift
	"$fake" --token bench-token --gen bench:100:5 --delay-ms 10 \
	    --port-file "$tmp/$_name.port" "$@" >/dev/null \
	    2>"$tmp/$_name.log" &
	pids="$pids $!"
	_i=0
	while [ ! -s "$tmp/$_name.port" ]; do
		_i=$((_i + 1))
		[ $_i -le 100 ] || die "the fake registry ($_name) did not" \
		    "start: $(cat "$tmp/$_name.log")"
		sleep 0.05
	done
	url="http://127.0.0.1:$(cat "$tmp/$_name.port")"
}

start short --backlog 5 --max-conns 32
short=$url
start normal
normal=$url

# tags URL [-j N]: one run, its output checked (a header, 3 rows each).
tags() {
	_u=$1
	shift
	PIERONE_URL=$_u "$pierone" tags "$@" -o tsv bench >"$tmp/out" \
	    2>"$tmp/err" || die "pierone tags $* failed: $(cat "$tmp/err")"
	[ "$(wc -l <"$tmp/out")" -eq 301 ] ||
	    die "pierone tags $*: $(wc -l <"$tmp/out") lines, not 301"
}

# timed FILE URL [-j N]: one timed run, microseconds appended to FILE.
timed() {
	_f=$1
	shift
	stamp
	_t0=$now
	tags "$@"
	stamp
	echo $((now - _t0)) >>"$_f"
}

# median FILE, in milliseconds.
median() {
	sort -n "$1" | awk '{ v[NR] = $1 }
	    END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }'
}

echo "running (about $((runs * 2)) s, much longer if a target is" \
    "missed)..." >&2
for s in short normal; do
	if [ $s = short ]; then u=$short; else u=$normal; fi
	for f in j4 def j64; do
		: >"$tmp/$s.$f"
	done
	tags "$u" -j 4
	tags "$u"
	tags "$u" -j 64
	i=0
	while [ $i -lt "$runs" ]; do
		timed "$tmp/$s.j4" "$u" -j 4
		timed "$tmp/$s.def" "$u"
		timed "$tmp/$s.j64" "$u" -j 64
		i=$((i + 1))
	done
done

# row SCENARIO MS BASE_MS TARGET: a line of the table, with the ratio
# and, when TARGET (a ratio) is not "-", the verdict.
row() {
	awk -v s="$1" -v ms="$2" -v b="$3" -v t="$4" -v n="$runs" 'BEGIN {
		r = ms / b
		v = t == "-" ? "info" : (r <= t + 0 ? "ok" : "MISSED")
		printf "%-36s %4d %9s ms %6.2fx %8s  %s\n", s, n, ms, r,
		    t == "-" ? "" : "<= " t "x", v }'
}

echo "pierone tags, 100 artifacts x 5 tags, 10 ms a request; the short" \
    "accept queue: backlog 5,"
echo "32 connections served at once.  Median of $runs runs; ratio to" \
    "-j 4 on the same server."
printf "%-36s %4s %12s %7s %8s  %s\n" scenario runs time ratio target \
    verdict
for s in short normal; do
	if [ $s = short ]; then
		what="short accept queue"
		target=1.25
	else
		what="normal server"
		target=-
	fi
	j4=$(median "$tmp/$s.j4")
	row "$what, -j 4" "$j4" "$j4" -
	row "$what, default (-j 16)" "$(median "$tmp/$s.def")" "$j4" \
	    "$target"
	row "$what, -j 64" "$(median "$tmp/$s.j64")" "$j4" "$target"
done
