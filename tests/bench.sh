#!/bin/sh
# make bench: time pierone against baselines measured in the same run, on
# the local fake registry, and print a table with each target's verdict.
# usage: bench.sh PIERONE FAKE_REGISTRY [DELAYPROXY]
#
# Then three more tables, from files sourced here (tests/bench/):
#   latency.sh  pierone over TLS (nginx, HTTP/2 and HTTP/1.1) at 20 and
#               50 ms of round-trip time added by DELAYPROXY, against the
#               round trips the work needs at least;
#   peers.sh    pierone against skopeo on Debian's docker-registry;
#   scale.sh    time and memory of 'tags' on 200 and 2000 artifacts.
# The packages these need (nginx, docker-registry, skopeo, apache2-utils)
# are installed when missing; rows whose package cannot be installed are
# skipped with one line saying why.  Then everything runs in a private
# network namespace (unshare -n, only its loopback up) when that is
# permitted, else on the host's 127.0.0.1 (the header says which).
#
# Wall time: the median of N runs, taken by the shell around each run
# (bash's $EPOCHREALTIME, microseconds, no fork; without bash 5,
# 'date +%s%N' with its measured overhead subtracted).  Peak RSS: GNU
# time's %M, in separate runs so that time(1) does not add to the wall
# times; the largest of the runs.  pierone's and the baseline's runs
# alternate, after one untimed warm-up run of each.
#
# Exit status: 0 when everything ran, even if a target is missed (the
# table says so); 1 when something is broken: the fake registry does not
# start, a command fails or pierone prints a wrong answer.

# bash, when there is one, for $EPOCHREALTIME; plain sh works too.
if [ -z "${BASH_VERSION:-}" ] && [ -z "${PIERONE_BENCH_NO_BASH:-}" ] &&
    command -v bash >/dev/null 2>&1; then
	exec bash "$0" "$@"
fi
set -eu
# '.' as the decimal point of $EPOCHREALTIME and of awk's numbers.
LC_ALL=C
export LC_ALL

if [ $# -ne 2 ] && [ $# -ne 3 ]; then
	echo "usage: bench.sh PIERONE FAKE_REGISTRY [DELAYPROXY]" >&2
	exit 2
fi
pierone=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fake=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
delayproxy=""
[ $# -lt 3 ] || delayproxy=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
tests=$(cd "$(dirname "$0")" && pwd)
# The registry, the services an install starts, skopeo's cache.
# shellcheck source=tests/registry.sh
. "$tests/registry.sh"
token=bench-token
die() {
	echo "bench: $*" >&2
	exit 1
}

# ---------------------------------------------------------------- tools

# apt_install PACKAGE WHAT: installs a missing Debian package, as
# tests/install-deps does, saying so; 1 with $why when it cannot.
apt_install() {
	echo "bench: $2 missing: installing the Debian package '$1'" >&2
	if ! command -v apt-get >/dev/null 2>&1; then
		why="apt-get not found; install $2 (package '$1') by hand"
		return 1
	fi
	if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq >&2 || :
	$sudo apt-get install -y -qq --no-install-recommends "$1" >&2 || {
		why="could not install $2 (package '$1')"
		return 1
	}
}

# GNU time for the peak RSS.
gnu_time() {
	[ -x /usr/bin/time ] && /usr/bin/time --version 2>&1 | grep -q GNU
}
if ! gnu_time; then
	apt_install time "GNU time (/usr/bin/time)" || die "$why"
	gnu_time || die "/usr/bin/time is still not GNU time"
fi
command -v curl >/dev/null 2>&1 || die "curl not found (run 'make deps')"
[ -x "$pierone" ] || die "$pierone: not an executable"
[ -x "$fake" ] || die "$fake: not an executable"

# What the later tables need, installed before the network namespace
# (which has no network); "" or why their rows are skipped.  An install
# that starts the package's system service (nginx's default site, the
# registry) has it stopped again, as tests/integration.sh does.
nginx=""
find_nginx() {
	nginx=$(command -v nginx 2>/dev/null) ||
	    { [ -x /usr/sbin/nginx ] && nginx=/usr/sbin/nginx; }
}
if [ -z "${PIERONE_BENCH_NETNS:-}" ]; then
	tls_why=""
	if [ -z "$delayproxy" ] || [ ! -x "$delayproxy" ]; then
		tls_why="no relay to add latency with (the third argument,"
		tls_why="$tls_why built by make bench)"
	fi
	if [ -z "$tls_why" ] && ! find_nginx; then
		before=$(started_pids nginx)
		if apt_install nginx "nginx (the TLS front of the latency rows)" &&
		    find_nginx; then
			stop_started nginx nginx "$before" bench ||
			    die "the nginx service its install started: $why"
		else
			tls_why="${why:-nginx not found after its install}"
		fi
	fi
	if [ -z "$tls_why" ] && ! command -v openssl >/dev/null 2>&1; then
		apt_install openssl "openssl (the latency rows' certificate)" ||
		    tls_why=$why
	fi
	peers_why=""
	before=$(started_pids docker-registry)
	if sh "$tests/install-deps" docker-registry skopeo \
	    htpasswd:apache2-utils >&2; then
		stop_started docker-registry docker-registry "$before" bench ||
		    die "the docker-registry service its install started: $why"
	else
		peers_why="could not install docker-registry, skopeo or"
		peers_why="$peers_why apache2-utils (tests/install-deps)"
	fi
	export PIERONE_BENCH_TLS_WHY="$tls_why" \
	    PIERONE_BENCH_PEERS_WHY="$peers_why"
	# Again in a network namespace of its own, with only its loopback.
	if err=$(unshare -n sh -c 'ip link set lo up' 2>&1); then
		PIERONE_BENCH_NETNS="a private network namespace (unshare -n)"
		export PIERONE_BENCH_NETNS
		exec unshare -n -- sh -c 'ip link set lo up && exec "$@"' sh \
		    "${BASH:-sh}" "$0" "$@"
	fi
	err=$(printf '%s\n' "${err:-unshare -n failed}" | head -n 1)
	PIERONE_BENCH_NETNS="the host's 127.0.0.1 (no network namespace: $err)"
	echo "bench: on $PIERONE_BENCH_NETNS" >&2
fi
network=$PIERONE_BENCH_NETNS
tls_why=$PIERONE_BENCH_TLS_WHY
peers_why=$PIERONE_BENCH_PEERS_WHY
[ -n "$tls_why" ] || find_nginx || :

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pierone-bench.XXXXXX")
pids=""

cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null || :
		wait "$p" 2>/dev/null || :
	done
	rm -rf "$tmp"
	skopeo_cache_clean
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP PIPE

# The clock, in microseconds, into $now.  One read of $EPOCHREALTIME:
# two could straddle a second.
if [ -n "${EPOCHREALTIME:-}" ]; then
	timer="bash \$EPOCHREALTIME"
	stamp() { _e=$EPOCHREALTIME; now=${_e%.*}${_e#*.}; }
else
	case $(date +%s%N) in
	*[!0-9]*) die "neither bash 5 nor 'date +%s%N': no clock to time with" ;;
	esac
	timer="date +%s%N"
	stamp() { now=$(($(date +%s%N) / 1000)); }
fi

# ------------------------------------------------------- fake registries

# A throwaway home and no proxy: none of the user's files or settings
# (~/.curlrc, pierone.yaml, zign tokens) take part.
export HOME="$tmp/home"
mkdir -p "$HOME"
for v in $(env | sed -n 's/^\(PIERONE_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done
unset XDG_CONFIG_HOME CREDENTIALS_DIR PIERONE_TIMEOUT \
    PIERONE_CONNECT_TIMEOUT PIERONE_CA_BUNDLE PIERONE_JOBS CURL_HOME \
    http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy || :
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
export OAUTH2_ACCESS_TOKENS="pierone=$token"

# start NAME ARGS...: a fake registry on an ephemeral port; sets $port.
start() {
	_name=$1
	shift
	"$fake" --token "$token" --port-file "$tmp/$_name.port" "$@" \
	    >/dev/null 2>"$tmp/$_name.log" &
	_pid=$!
	pids="$pids $_pid"
	_i=0
	while [ ! -s "$tmp/$_name.port" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$_pid" 2>/dev/null; then
			echo "bench: the fake registry ($_name) did not start:" >&2
			cat "$tmp/$_name.log" >&2
			exit 1
		fi
		sleep 0.05
	done
	port=$(cat "$tmp/$_name.port")
}

# 100 artifacts of 5 tags and one of 100 000, answering at once...
start fast --gen bench:100:5 --gen big:1:100000
fast="http://127.0.0.1:$port"
# ...and the same 100 x 5 with 10 ms of latency on every request.
start slow --gen bench:100:5 --delay-ms 10 --log "$tmp/slow.requests"
slow="http://127.0.0.1:$port"
# A plain v2 registry (no /teams) behind a Bearer token realm, as most
# registries are: one repository of 20 tags, 10 ms of latency too.
start v2 --gen v2b:1:20 --api v2 --auth bearer --anonymous --delay-ms 10 \
    --log "$tmp/v2.requests"
v2="http://127.0.0.1:$port"

# ------------------------------------------------------------- commands

# Each scenario's commands, as functions: the same call overhead for
# pierone and its baseline.  Output goes to /dev/null while timed.
auth="Authorization: Bearer $token"
c_curl() { curl -s -H "$auth" "$1"; }

p_version() { "$pierone" --version; }
b_true() { /bin/true; }

p_latest() { PIERONE_URL=$fast "$pierone" latest bench app-0000; }
b_latest() { c_curl "$fast/teams/bench/artifacts/app-0000/tags"; }

p_tags() { PIERONE_URL=$slow "$pierone" tags bench; }
p_tags_j1() { PIERONE_URL=$slow "$pierone" tags -j 1 bench; }
# The URLs pierone tags fetches: the artifacts, then each one's tags.
tag_urls="$slow/teams/bench/artifacts"
i=0
while [ $i -lt 100 ]; do
	tag_urls="$tag_urls $slow/teams/bench/artifacts/app-$(printf %04d $i)/tags"
	i=$((i + 1))
done
b_tags() {
	for _u in $tag_urls; do
		curl -s -H "$auth" "$_u" || return 1
	done
}

p_v2() { PIERONE_URL=$v2 PIERONE_API=v2 "$pierone" latest v2b app-0000; }
# The same work one request after another: a token from the realm, then
# every URL pierone fetched with it (tag list, manifests, configs); the
# list is taken from pierone's own requests in the checks below.
v2_urls=""
b_v2() {
	_tok=$(curl -s "$v2/auth/token?service=fake-registry&scope=repository:v2b/app-0000:pull" |
	    sed 's/.*"token":"\([^"]*\)".*/\1/') || return 1
	for _u in $v2_urls; do
		curl -s -H "Authorization: Bearer $_tok" "$v2$_u" || return 1
	done
}

p_big() { PIERONE_URL=$fast "$pierone" latest big app-0000; }
b_big() { c_curl "$fast/teams/big/artifacts/app-0000/tags"; }

# ------------------------------------------------- correctness, once

# expect WHAT WANT GOT
expect() {
	[ "$2" = "$3" ] && return 0
	echo "bench: $1: expected '$2', got:" >&2
	printf '%s\n' "$3" | head -5 >&2
	exit 1
}
# check FUNC: runs it once, untimed, its output in $out.
check() {
	out=$("$@" 2>"$tmp/check.err") || {
		echo "bench: $* failed:" >&2
		cat "$tmp/check.err" >&2
		exit 1
	}
}

check p_version
case $out in
"Pier One CLI "*) ;;
*) expect "pierone --version" "Pier One CLI ..." "$out" ;;
esac
version=$out
check p_latest
expect "pierone latest bench app-0000" 1.0.4 "$out"
check p_big
expect "pierone latest big app-0000 (100 000 tags)" 1.0.99999 "$out"
check p_v2
expect "pierone latest v2b app-0000 (v2, Bearer)" 1.0.19 "$out"
v2_urls=$(awk '$1 == "GET" && $3 == 200 && $2 ~ /^\/v2\// { print $2 }' \
    "$tmp/v2.requests")
[ "$(printf '%s\n' "$v2_urls" | wc -l)" -eq 41 ] ||
    expect "the requests of pierone latest over v2" \
        "41 (tag list, 20 manifests, 20 configs)" "$v2_urls"
check b_v2
[ "$(printf '%s' "$out" | grep -o '"created"' | wc -l)" -eq 20 ] ||
    expect "the curl loop over v2" "20 image configs" "$out"
check b_latest
case $out in
*'"name":"1.0.4"'*) ;;
*) expect "curl of the tags URL" "its 5 tags" "$out" ;;
esac
check b_big
case $out in
*'"name":"1.0.99999"'*) ;;
*) expect "curl of the big tags URL" "its 100 000 tags" "$out" ;;
esac

# pierone tags: the last 3 of every artifact's 5 tags, through exactly
# the 101 requests the curl loop makes.
before=$(wc -l <"$tmp/slow.requests")
check env PIERONE_URL="$slow" "$pierone" tags -o tsv bench
got=$(printf '%s\n' "$out" | awk -F '\t' '
	NR > 1 && $1 == "bench" && $3 ~ /^1\.0\.[234]$/ { n++; a[$2] = 1 }
	END { for (k in a) m++; printf "%d rows, %d artifacts, %d lines", n, m, NR }')
expect "pierone tags -o tsv bench" "300 rows, 100 artifacts, 301 lines" "$got"
got=$(sed -n "$((before + 1)),\$p" "$tmp/slow.requests" | awk '
	$1 == "GET" && $3 == 200 { print $2 }' | sort)
want=$(for u in $tag_urls; do echo "${u#"$slow"}"; done | sort)
expect "the requests of pierone tags (the curl loop's 101 URLs)" \
    "$want" "$got"
check p_tags
tags_text=$out
check p_tags_j1
expect "pierone tags -j 1 bench (the same as -j 16)" "$tags_text" "$out"
[ "$(printf '%s\n' "$tags_text" | wc -l)" -eq 301 ] ||
    expect "pierone tags bench" "301 lines" "$tags_text"
check b_tags
[ "$(printf '%s' "$out" | grep -o '"name":"1\.0\.4"' | wc -l)" -eq 100 ] ||
    expect "the curl loop" "100 tag lists" "$out"

# ------------------------------------------------------------ measuring

# median FILE: the middle value (the lower middle of an even count).
median() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# Overhead of the clock itself: what an empty interval measures.
overhead=0
: >"$tmp/empty"
i=0
while [ $i -lt 21 ]; do
	stamp
	t0=$now
	stamp
	echo $((now - t0)) >>"$tmp/empty"
	i=$((i + 1))
done
overhead=$(median "$tmp/empty")

# run1 FUNC OUTFILE: one timed run, microseconds appended to OUTFILE.
run1() {
	stamp
	_t0=$now
	"$1" >/dev/null 2>"$tmp/run.err" || {
		echo "bench: $1 failed:" >&2
		cat "$tmp/run.err" >&2
		exit 1
	}
	stamp
	echo $((now - _t0 - overhead)) >>"$2"
}

# wall NAME FUNC_A N_A FUNC_B N_B [checked]: interleaved timed runs
# after a warm-up of each (none with "checked": the untimed check was);
# medians in $ms_a and $ms_b (milliseconds).
wall() {
	: >"$tmp/$1.a"
	: >"$tmp/$1.b"
	if [ "${6:-}" != checked ]; then
		"$2" >/dev/null 2>&1 || :
		[ "$4" = - ] || "$4" >/dev/null 2>&1 || :
	fi
	_i=1
	while [ $_i -le "$3" ] || [ $_i -le "$5" ]; do
		[ $_i -gt "$3" ] || run1 "$2" "$tmp/$1.a"
		[ $_i -gt "$5" ] || run1 "$4" "$tmp/$1.b"
		_i=$((_i + 1))
	done
	ms_a=$(median "$tmp/$1.a" | awk '{ printf "%.1f", $1 / 1000 }')
	ms_b=""
	[ "$5" -eq 0 ] ||
	    ms_b=$(median "$tmp/$1.b" | awk '{ printf "%.1f", $1 / 1000 }')
}

# rss N CMD...: the largest peak RSS of N runs, in MiB, into $mib.
rss() {
	_n=$1
	shift
	: >"$tmp/rss"
	while [ "$_n" -gt 0 ]; do
		/usr/bin/time -f %M -a -o "$tmp/rss" "$@" >/dev/null \
		    2>"$tmp/run.err" || {
			echo "bench: $* failed:" >&2
			cat "$tmp/run.err" >&2
			exit 1
		}
		_n=$((_n - 1))
	done
	mib=$(sort -n "$tmp/rss" | tail -1 | awk '{ printf "%.1f", $1 / 1024 }')
}

# ------------------------------------------------------------- table

# table COLUMNS ROWS: the header (tab-separated, on standard input) and
# the rows of the file ROWS in aligned columns; widths in characters
# (UTF-8 continuation bytes do not count); the columns numbered in
# COLUMNS (such as "2 3") right-aligned.
table() {
	awk -F '\t' -v cols="$1" '
	function width(s) { gsub(/[\200-\277]/, "", s); return length(s) }
	function spaces(n,   t) { t = ""; while (n-- > 0) t = t " "; return t }
	function pad(s, w, right,   n) {
		n = w - width(s)
		return right ? spaces(n) s : s spaces(n)
	}
	NR == 1 { nf = NF }
	{ for (i = 1; i <= NF; i++) { c[NR, i] = $i
		if (width($i) > w[i]) w[i] = width($i) } }
	END {
		for (r = 1; r <= NR; r++) {
			line = ""
			for (i = 1; i <= nf; i++) {
				right = index(" " cols " ", " " i " ") > 0
				s = pad(c[r, i], w[i], right)
				line = line (i > 1 ? "  " : "") s
			}
			sub(/ +$/, "", line)
			print line
			if (r == 1) {
				line = ""
				for (i = 1; i <= nf; i++)
					line = line (i > 1 ? "  " : "") spaces(w[i])
				gsub(/ /, "-", line)
				print line
			}
		}
	}' - "$2"
}

rows="$tmp/rows"
: >"$rows"
# row SCENARIO RUNS MS MIB BASELINE BRUNS BMS BMIB RATIO TARGET VERDICT
row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$rows"
}
# ratio A B: A / B as "1.2x".
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b <= 0) { print "—"; exit }
		r = a / b
		fmt = r >= 0.1 ? "%.1f×\n" : "%.3f×\n"
		printf fmt, r }'
}
# le A B: whether A <= B.
le() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'
}
# verdict: "ok", or what was missed, from $missed.
verdict() {
	if [ -z "$missed" ]; then echo ok; else echo "MISSED ($missed)"; fi
}
miss() {
	missed="${missed:+$missed, }$1"
}
ms() { echo "$1 ms"; }
mb() { echo "$1 MiB"; }

echo "pierone benchmark: $version ($1), $(curl --version |
    head -1 | cut -d' ' -f1-2)"
echo "machine: $(nproc) CPUs, $(awk -F': *' '/^model name/ { print $2; exit }
    /^(Hardware|Processor|cpu model)/ { m = $2 }
    END { if (m != "") print m }' /proc/cpuinfo 2>/dev/null | head -1)," \
    "$(uname -sm)"
echo "date:    $(date '+%Y-%m-%d %H:%M:%S %Z')"
echo "timer:   $timer (overhead $overhead µs, subtracted);" \
    "peak RSS: GNU time %M"
echo "network: $network"
echo "running (about 4 minutes)..." >&2

# pierone --version against /bin/true, the start-up floor.  libcurl and
# libarchive are linked (as packaging wants): the loader maps their
# libraries at start-up, so memory is no target here, only time.
wall version p_version 21 b_true 21
rss 11 "$pierone" --version
p_mib=$mib
rss 11 /bin/true
missed=""
le "$ms_a" 3 || miss "time"
row "pierone --version" 21 "$(ms "$ms_a")" "$(mb "$p_mib")" "/bin/true" 21 \
    "$(ms "$ms_b")" "$(mb "$mib")" "$(ratio "$ms_a" "$ms_b")" \
    "≤ 3 ms" "$(verdict)"
row "" "" "" "" "old Python client (fixed)" "" "342.0 ms" "44.0 MiB" \
    "$(ratio "$ms_a" 342)" "" "reference"

# pierone latest: one request to a server without delay, against curl.
wall latest p_latest 21 b_latest 21
p_ms=$ms_a
c_ms=$ms_b
export PIERONE_URL="$fast"
rss 11 "$pierone" latest bench app-0000
p_mib=$mib
rss 11 curl -s -H "$auth" "$fast/teams/bench/artifacts/app-0000/tags"
missed=""
le "$p_ms" "$(awk -v c="$c_ms" 'BEGIN { print 1.5 * c }')" || miss "time"
le "$p_mib" 8 || miss "RSS"
curl_floor=$mib		# what libcurl and its libraries take by themselves
row "latest bench app-0000 (5 tags)" 21 "$(ms "$p_ms")" "$(mb "$p_mib")" \
    "curl, the tags URL" 21 "$(ms "$c_ms")" "$(mb "$mib")" \
    "$(ratio "$p_ms" "$c_ms")" "≤ 1.5× curl, ≤ 8 MiB" "$(verdict)"

# pierone tags on 100 artifacts x 5 tags, 10 ms per request, against
# the same 101 requests made one after another by curl.
wall tags p_tags 11 b_tags 5
tags_ms=$ms_a
export PIERONE_URL="$slow"
rss 5 "$pierone" tags bench
p_mib=$mib
missed=""
le "$tags_ms" 120 || miss "time"
le "$p_mib" 16 || miss "RSS"
row "tags bench (100×5, 10 ms/request)" 11 "$(ms "$tags_ms")" \
    "$(mb "$p_mib")" "curl loop, the same 101 URLs" 5 "$(ms "$ms_b")" "—" \
    "$(ratio "$tags_ms" "$ms_b")" "≤ 120 ms, ≤ 16 MiB" "$(verdict)"
row "" "" "" "" "old Python client (fixed)" "" "1710.0 ms" "—" \
    "$(ratio "$tags_ms" 1710)" "" "reference"

# The fan-out: the same with one request at a time.
wall tags_j1 p_tags_j1 5 - 0
j1_ms=$ms_a
rss 3 "$pierone" tags -j 1 bench
row "tags -j 1 bench (100×5, 10 ms)" 5 "$(ms "$j1_ms")" "$(mb "$mib")" \
    "pierone tags (-j 16), above" 11 "$(ms "$tags_ms")" "$(mb "$p_mib")" \
    "$(ratio "$j1_ms" "$tags_ms")" "(informational)" "info"

# pierone latest over v2 with a token realm, against the same requests
# made one after another by curl.
wall v2 p_v2 11 b_v2 5
v2_ms=$ms_a
export PIERONE_URL="$v2"
rss 5 env PIERONE_API=v2 "$pierone" latest v2b app-0000
missed=""
le "$v2_ms" "$(awk -v c="$ms_b" 'BEGIN { print 0.25 * c }')" || miss "time"
le "$mib" 16 || miss "RSS"
row "latest over v2, Bearer (20 tags, 10 ms)" 11 "$(ms "$v2_ms")" \
    "$(mb "$mib")" "curl loop, token + the same 41 URLs" 5 "$(ms "$ms_b")" \
    "—" "$(ratio "$v2_ms" "$ms_b")" "≤ 0.25× curl, ≤ 16 MiB" "$(verdict)"

# pierone latest on one artifact of 100 000 tags, against curl.
wall big p_big 11 b_big 11
p_ms=$ms_a
c_ms=$ms_b
export PIERONE_URL="$fast"
rss 5 "$pierone" latest big app-0000
p_mib=$mib
rss 5 curl -s -H "$auth" "$fast/teams/big/artifacts/app-0000/tags"
missed=""
le "$p_ms" 300 || miss "time"
le "$p_mib" 64 || miss "RSS"
row "latest big app-0000 (100 000 tags)" 11 "$(ms "$p_ms")" \
    "$(mb "$p_mib")" "curl, the tags URL" 11 "$(ms "$c_ms")" "$(mb "$mib")" \
    "$(ratio "$p_ms" "$c_ms")" "≤ 300 ms, ≤ 64 MiB" "$(verdict)"

echo
table "2 3 4 6 7 8 9" "$rows" <<EOF
scenario	runs	pierone	peak RSS	baseline	runs	baseline	peak RSS	ratio	target	verdict
EOF
echo
echo "Times: median wall time; peak RSS: the largest of the runs;" \
    "ratio: pierone / baseline."
echo "Note: one request needs libcurl, which loads its TLS, HTTP/2, Kerberos" \
    "and LDAP libraries;"
echo "      curl itself peaks at $(mb "$curl_floor") here, the floor for" \
    "any libcurl client of this machine's libcurl."

# The tables of real latency, of the peers and of scale.
# shellcheck source=tests/bench/latency.sh
. "$tests/bench/latency.sh"
# shellcheck source=tests/bench/peers.sh
. "$tests/bench/peers.sh"
# shellcheck source=tests/bench/scale.sh
. "$tests/bench/scale.sh"
