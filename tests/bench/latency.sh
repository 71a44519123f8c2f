# shellcheck shell=sh
# shellcheck disable=SC2154,SC2034 # bench.sh's variables and functions
# SPDX-License-Identifier: Apache-2.0
#
# tests/bench/latency.sh, sourced by tests/bench.sh (whose functions and
# variables it uses): pierone over TLS at a real round-trip time.
#
# The path: pierone -> delayproxy (adds the RTT) -> nginx (TLS 1.3, a
# certificate made in this run and trusted through PIERONE_CA_BUNDLE;
# one port with http2, one without) -> the fake registry (plain HTTP/1.1,
# kept-alive upstream connections, so that nginx is no bottleneck).
# nginx's access log gives, per request, its connection's serial number,
# whether its TLS session was resumed, and the protocol; the relay counts
# the TCP connections.  Each row's counts are those of every timed run
# (a range when they differ).
#
# The ideal: the round trips the work needs at least, times the RTT.
#   1 TCP handshake (the relay holds a new connection's first bytes 1 RTT)
# + 1 TLS 1.3 handshake
# + 1 GET /teams/T/artifacts (the token comes from OAUTH2_ACCESS_TOKENS:
#     no token request; pierone sends no /v2/ or /teams probe first,
#     checked in the fake's log by bench.sh's first table)
# + the tag lists, all independent of each other:
#     HTTP/2:   ceil(N / 128) rounds, 128 being nginx's default
#               http2_max_concurrent_streams, on the one connection;
#     HTTP/1.1: ceil(N / J) rounds on J connections, J being pierone's
#               default -j (read from 'pierone tags -h'); a client that
#               opens the other J - 1 connections while the artifact list
#               is on its way pays nothing more for them.
# + over HTTP/2, 3 for the second connection nginx's keepalive_requests
#   (1000 by default, HTTP/2 too) makes any client open for the 1001st
#   request of 1000 artifacts: nginx says GOAWAY only once the 1000th
#   request has come, so that connection's TCP and TLS handshakes and the
#   request on it are 3 round trips after the last round on the first
#   one (measured: 3.0 RTT at 20 ms, 3.2 at 50 ms), the last tag list
#   being out of the rounds.  (Until 2026-12-07 this counted 2, leaving
#   the request itself out.)
# 'latest T A' is 1 + 1 + 1.  Not modelled, so not in the ideal: TCP slow
# start, bandwidth, CPU (TLS, JSON, pierone's own start, ~25 ms here,
# see the first table).
# The goal: 'tags' of 1000 artifacts within 1.5x its ideal, for each of
# HTTP/2 and HTTP/1.1.  Over HTTP/2 'tags -j 128' shows that -j, which
# bounds connections, changes nothing there.

# shellcheck source=tests/nginx.sh
. "$tests/nginx.sh"
lat_ca=$tmp/tls/ca.pem
lat_url=""
lat_log=""

# lat_answers PORT: curl's "CODE HTTPVERSION" for the artifact list there.
lat_answers() {
	curl -s -o /dev/null -w '%{http_code} %{http_version}' --max-time 5 \
	    --cacert "$lat_ca" -H "$auth" \
	    "https://127.0.0.1:$1/teams/team100/artifacts" || :
}

# nginx in front of the fake registry at PORT; sets $h2_port and $h1_port.
lat_nginx() {
	if ! nginx_start "$tmp/nginx" "$tmp/tls" "$1" "$delayproxy"; then
		cat "$tmp/nginx/stderr" "$tmp/nginx/logs/error.log" >&2 2>/dev/null
		die "$why"
	fi
	pids="$pids $nginx_pid"
	h2_port=$nginx_h2_port
	h1_port=$nginx_h1_port
}

# lat_relay RTT_MS PORT: the relay to 127.0.0.1:PORT; sets $relay_pid
# and $lat_url.
lat_relay() {
	rm -f "$tmp/relay.port" "$tmp/relay.count"
	"$delayproxy" -r "$1" -t "$2" -p "$tmp/relay.port" \
	    -c "$tmp/relay.count" 2>>"$tmp/relay.log" &
	relay_pid=$!
	pids="$pids $relay_pid"
	_i=0
	while [ ! -s "$tmp/relay.port" ]; do
		_i=$((_i + 1))
		if [ $_i -gt 100 ] || ! kill -0 "$relay_pid" 2>/dev/null; then
			echo "bench: the relay did not start:" >&2
			cat "$tmp/relay.log" >&2
			exit 1
		fi
		sleep 0.05
	done
	lat_url="https://127.0.0.1:$(cat "$tmp/relay.port")"
}

lat_relay_stop() {
	kill "$relay_pid" 2>/dev/null || :
	wait "$relay_pid" 2>/dev/null || :
	# shellcheck disable=SC2086 # a list of process ids
	pids=$(printf '%s\n' $pids | grep -vx "$relay_pid" | tr '\n' ' ' || :)
}

l_tags100() {
	PIERONE_URL=$lat_url PIERONE_CA_BUNDLE=$lat_ca "$pierone" tags team100
}
l_tags1000() {
	PIERONE_URL=$lat_url PIERONE_CA_BUNDLE=$lat_ca "$pierone" tags team1000
}
l_tags1000_j128() {
	PIERONE_URL=$lat_url PIERONE_CA_BUNDLE=$lat_ca "$pierone" tags -j 128 \
	    team1000
}
l_latest() {
	PIERONE_URL=$lat_url PIERONE_CA_BUNDLE=$lat_ca "$pierone" \
	    latest team100 app-0000
}

# span FILE [COLUMN]: "a", or "a–b" when the numbers differ.
span() {
	sort -n -k "${2:-1},${2:-1}" "$1" | awk -v c="${2:-1}" '
	NR == 1 { lo = $c } { hi = $c }
	END { print lo == hi ? lo : lo "–" hi }'
}

# lat_check FUNC LINES REQUESTS: one untimed run (the warm-up) prints
# LINES lines (or exactly the string LINES) through REQUESTS requests, all
# answered 200.
lat_check() {
	_l0=$(wc -l <"$lat_log")
	check "$1"
	case $2 in
	*[!0-9]*) expect "$1 over TLS" "$2" "$out" ;;
	*) expect "the lines of $1 over TLS" "$2" \
	    "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" ;;
	esac
	expect "the requests of $1 over TLS, answered 200" "$3" \
	    "$(tail -n +"$((_l0 + 1))" "$lat_log" | awk '$5 == 200' | wc -l |
	    tr -d ' ')"
}

# lat_measure RUNS FUNC: timed runs; their median in $ms_a, the TCP
# connections, TLS handshakes and protocols of each run in files.
lat_measure() {
	: >"$tmp/lat.t"
	: >"$tmp/lat.conn"
	: >"$tmp/lat.tls"
	: >"$tmp/lat.proto"
	_r=0
	while [ $_r -lt "$1" ]; do
		_r=$((_r + 1))
		_c0=$(cat "$tmp/relay.count")
		_l0=$(wc -l <"$lat_log")
		run1 "$2" "$tmp/lat.t"
		echo $(($(cat "$tmp/relay.count") - _c0)) >>"$tmp/lat.conn"
		tail -n +"$((_l0 + 1))" "$lat_log" >"$tmp/lat.run"
		# Full or resumed: the first request of each connection says.
		awk '!($1 in s) { s[$1] = $2 }
		END { f = r = 0; for (k in s) if (s[k] == "r") r++; else f++
			print f, r }' "$tmp/lat.run" >>"$tmp/lat.tls"
		awk '{ print $3 }' "$tmp/lat.run" >>"$tmp/lat.proto"
	done
	ms_a=$(median "$tmp/lat.t" | awk '{ printf "%.1f", $1 / 1000 }')
}

# lat_row SCENARIO RTT MODE RUNS FUNC RTTS GOAL: measures and adds a row.
lat_row() {
	lat_measure "$4" "$5"
	_ideal=$(($6 * $2))
	_ratio=$(ratio "$ms_a" "$_ideal")
	_used=$(sort -u "$tmp/lat.proto" | tr '\n' ' ' | sed 's/ $//; s/ /+/g')
	_verdict=info
	_target="(informational)"
	if [ "$7" = goal ]; then
		_target="≤ 1.5× ideal"
		missed=""
		le "$ms_a" "$(awk -v i="$_ideal" 'BEGIN { print 1.5 * i }')" ||
		    miss "time"
		_verdict=$(verdict)
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" \
	    "$2 ms" "$3" "$_used" "$4" "$(ms "$ms_a")" \
	    "$_ideal ms ($6 RTT)" "$_ratio" "$(span "$tmp/lat.conn")" \
	    "$(span "$tmp/lat.tls" 1) / $(span "$tmp/lat.tls" 2)" \
	    "$_target" "$_verdict" >>"$lat_rows"
}

# ceil A B
ceil() {
	echo $((($1 + $2 - 1) / $2))
}

lat_main() {
	jobs=$("$pierone" tags -h |
	    sed -n 's/.*--jobs N .*(default \([0-9][0-9]*\)).*/\1/p')
	case $jobs in
	[1-9]*) ;;
	*) die "no default -j in 'pierone tags -h'" ;;
	esac
	streams=128
	nginx_certs "$tmp/tls" || { cat "$tmp/tls/openssl.log" >&2; die "$why"; }
	start lat --gen team100:100:5 --gen team1000:1000:5
	lat_nginx "$port"
	case $(lat_answers "$h2_port") in
	"200 2") ;;
	*) die "nginx's http2 port does not answer over HTTP/2 (curl:" \
	    "$(lat_answers "$h2_port"))" ;;
	esac
	case $(lat_answers "$h1_port") in
	"200 1.1") ;;
	*) die "nginx's HTTP/1.1 port does not answer (curl:" \
	    "$(lat_answers "$h1_port"))" ;;
	esac
	lat_rows="$tmp/lat.rows"
	: >"$lat_rows"
	for rtt in 20 50; do
		for mode in h2 h1; do
			# nginx closes a connection after 1000 requests
			# (keepalive_requests): over HTTP/2, the 1001st goes
			# on a second one, opened after GOAWAY: 3 RTT more.
			if [ $mode = h2 ]; then
				_p=$h2_port _par=$streams _m="http2 on" _ka=3
			else
				_p=$h1_port _par=$jobs _m="http2 off" _ka=0
			fi
			echo "bench: at $rtt ms, $_m..." >&2
			lat_log=$tmp/nginx/logs/$mode.log
			lat_relay "$rtt" "$_p"
			lat_check l_tags100 301 101
			lat_row "tags team100 (100 artifacts)" "$rtt" "$_m" 5 \
			    l_tags100 $((3 + $(ceil 100 "$_par"))) info
			lat_check l_tags1000 3001 1001
			lat_row "tags team1000 (1000 artifacts)" "$rtt" "$_m" 3 \
			    l_tags1000 $((3 + _ka + $(ceil 1000 "$_par"))) goal
			if [ $mode = h2 ]; then
				lat_check l_tags1000_j128 3001 1001
				lat_row "tags -j 128 team1000" "$rtt" "$_m" 3 \
				    l_tags1000_j128 \
				    $((3 + _ka + $(ceil 1000 "$_par"))) info
			fi
			lat_check l_latest 1.0.4 1
			lat_row "latest team100 app-0000" "$rtt" "$_m" 5 \
			    l_latest 3 info
			lat_relay_stop
		done
	done
	echo
	echo "At real latency: pierone -> relay adding the RTT -> nginx" \
	    "$("$nginx" -v 2>&1 | sed 's/.*\///') (TLS 1.3) -> the fake registry"
	echo
	table "2 5 6 7 8 9" "$lat_rows" <<EOF
scenario	RTT	nginx	used	runs	pierone	ideal	ratio	TCP	TLS full / resumed	target	verdict
EOF
	echo
	echo "Ideal: the round trips needed x RTT: 1 TCP + 1 TLS 1.3 + 1" \
	    "artifact list + the tag lists in"
	echo "       ceil(N / $streams) rounds over HTTP/2 (nginx's" \
	    "http2_max_concurrent_streams), ceil(N / $jobs) over"
	echo "       HTTP/1.1 ($jobs connections, pierone's default -j);" \
	    "latest: 3; over HTTP/2, 3 more for"
	echo "       1000 artifacts: nginx closes a connection after 1000" \
	    "requests (keepalive_requests),"
	echo "       so the 1001st goes on a new one after GOAWAY (TCP, TLS," \
	    "the request).  pierone's own start-up"
	echo "       and CPU time are not in it.  TCP: connections the relay" \
	    "accepted; TLS: nginx's"
	echo "       \$ssl_session_reused of each connection; used: nginx's" \
	    "\$server_protocol."
}

echo
if [ -n "$tls_why" ]; then
	echo "At real latency: skipped: $tls_why"
else
	lat_main
fi
