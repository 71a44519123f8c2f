#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/integration.sh PIERONE FAKE_REGISTRY DELAYPROXY
#
# pierone against the real registry: Debian's docker-registry
# (Distribution 2.8), on 127.0.0.1 at a port the kernel picks, with
# htpasswd auth for the user oauth2 and the token as its password, as Pier
# One takes Docker's credentials.  The suite
#   - installs docker-registry, skopeo, umoci, apache2-utils (htpasswd),
#     nginx and openssl when missing (tests/install-deps) and skips, with one line saying
#     why, only when that fails;
#   - builds three small images with umoci and pushes them with skopeo:
#     acid/app:1.0 (created 2024-05-01), acid/app:2.0 (pushed later, but
#     created 2024-01-01), both Docker schema 2, and acid/tools:0.1, an
#     OCI manifest;
#   - runs 'pierone login' against FAKE_REGISTRY as the token service;
#   - checks that skopeo can list and inspect with nothing but what login
#     wrote: ~/.docker/config.json, then ~/.dockercfg alone, and that it
#     cannot with neither;
#   - checks pierone artifacts, tags, latest and latest --digest against
#     the registry.  (Not inspect-contents: umoci 0.4.7 writes layers
#     without the tar end blocks, which tar and libarchive refuse.)
#   - puts nginx (TLS, a certificate made in the run, one port with http2
#     and one without; tests/nginx.sh) in front of FAKE_REGISTRY serving
#     60 generated artifacts, and checks from nginx's access log that
#     'pierone tags' runs all its requests over HTTP/2 on one connection,
#     and over HTTP/1.1 with -j 4 on 2 to 4 connections, each after the
#     first resuming the first one's TLS session; and that pierone trusts
#     the test CA through PIERONE_CA_BUNDLE and refuses the server
#     without it.  DELAYPROXY (tests/bench/delayproxy.c) finds nginx free
#     ports.
# Everything lives in one temporary directory (HOME too), removed at the
# end with the processes started here.  Nothing but 127.0.0.1 is
# contacted (apt-get aside, when a package is missing).  One line per
# check, then "N passed, M failed"; the exit status is 1 when a check
# failed.

usage() {
	echo "usage: tests/integration.sh PIERONE FAKE_REGISTRY DELAYPROXY" >&2
	exit 2
}
[ $# -eq 3 ] || usage
abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s\n' "$PWD/$1" ;;
	esac
}
bin=$(abspath "$1")
fake=$(abspath "$2")
delayproxy=$(abspath "$3")
for f in "$bin" "$fake" "$delayproxy"; do
	[ -x "$f" ] || { echo "integration.sh: '$f' is not executable" >&2; exit 2; }
done
cd "$(dirname "$0")/.." || exit 2

# The registry, its services and skopeo's cache: shared with bench.sh.
# shellcheck source=tests/registry.sh
. tests/registry.sh
# nginx as a TLS front: shared with bench.sh's latency rows.
# shellcheck source=tests/nginx.sh
. tests/nginx.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pierone-integration.XXXXXX") || exit 2
registry_pid=""
fake_pid=""
tlsfake_pid=""
nginx_pid=""
# What this run's skopeo creates under /var/lib/containers is removed with
# the rest.
skopeo_cache_note
# shellcheck disable=SC2317 # called from the trap
cleanup() {
	for pid in $registry_pid $fake_pid $tlsfake_pid $nginx_pid; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	rm -rf "$tmp"
	skopeo_cache_clean
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

pass=0
fail=0
ok() {
	pass=$((pass + 1))
	echo "ok - $*"
}
not_ok() {
	fail=$((fail + 1))
	echo "not ok - $*"
}
# Show a file, or its last N lines, indented under a failure.
show() {
	if [ -n "${2:-}" ]; then tail -n "$2" "$1"; else cat "$1"; fi 2>/dev/null |
	    sed 's/^/     | /'
}
summary() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}
# A check without which the rest cannot run.
bail() {
	not_ok "$@"
	echo "# the remaining checks cannot run"
	summary
}
# Run a command, its output in $tmp/$1.out and $tmp/$1.err.
run() {
	name=$1
	shift
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
}
# A hard time limit for pierone, whatever it does (skopeo has its own).
limit=""
timeout --foreground 60 true 2>/dev/null && limit="timeout --foreground 60"
random() {
	od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}
# --- packages --------------------------------------------------------

before=$(started_pids docker-registry)
nginx_before=$(started_pids nginx)
# install-deps says what it installs (on standard error, seen as it goes).
# nginx is in /usr/sbin, which a user's PATH may lack.
PATH=$PATH:/usr/sbin
{
	sh tests/install-deps docker-registry skopeo umoci htpasswd:apache2-utils \
	    nginx openssl 2>&1
	echo $? >"$tmp/deps.rc"
} | tee "$tmp/deps.log" >&2
missing=$(sed -n 's/^install-deps: .*packages[^:]*: *//p' "$tmp/deps.log" |
    head -n 1)
if [ "$(cat "$tmp/deps.rc")" -ne 0 ]; then
	reason=$(grep . "$tmp/deps.log" | tail -n 1)
	echo "check-integration: SKIPPED: cannot install" \
	    "${missing:-docker-registry skopeo umoci apache2-utils nginx openssl}:" \
	    "$reason"
	exit 0
fi
for c in docker-registry skopeo umoci htpasswd curl nginx openssl; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "check-integration: SKIPPED: cannot install ${missing:-$c}:" \
		    "$c still missing after tests/install-deps"
		exit 0
	fi
done
nginx_find || exit 2
msg="installed: docker-registry $(docker-registry --version 2>&1 |
    sed 's/.* //'), $(skopeo --version 2>&1), $(umoci --version 2>&1),"
msg="$msg htpasswd, $("$nginx" -v 2>&1 | sed 's/.*: //'), $(openssl version |
    cut -d' ' -f1-2)"
[ -z "$missing" ] || msg="$msg (just installed: $missing)"
ok "$msg"

# Installing docker-registry starts its system service where policy-rc.d
# lets it (no systemd here, but elsewhere): stop what the install started.
if [ -n "$(started_pids docker-registry "$before")" ]; then
	if stop_started docker-registry docker-registry "$before" \
	    check-integration; then
		ok "the docker-registry service the install started is stopped"
	else
		not_ok "the docker-registry service the install started is" \
		    "stopped: $why"
	fi
fi

# Likewise nginx's (its default site on port 80).
if [ -n "$(started_pids nginx "$nginx_before")" ]; then
	if stop_started nginx nginx "$nginx_before" check-integration; then
		ok "the nginx service the install started is stopped"
	else
		not_ok "the nginx service the install started is stopped: $why"
	fi
fi

# --- an environment of our own ---------------------------------------

# Only what this script sets: no credentials, configuration or proxy of
# the caller's may take part.
for v in $(env | sed -n 's/^\(PIERONE_[A-Za-z0-9_]*\)=.*/\1/p
    s/^\(REGISTRY_[A-Za-z0-9_]*\)=.*/\1/p'); do
	unset "$v"
done
unset DOCKER_CONFIG OAUTH2_ACCESS_TOKENS OAUTH2_ACCESS_TOKEN_URL \
    CREDENTIALS_DIR ZIGN_USER http_proxy https_proxy HTTP_PROXY HTTPS_PROXY \
    all_proxy ALL_PROXY CONTAINERS_CONF
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
# A failed request to 127.0.0.1 fails at once, not after retries.
export PIERONE_RETRIES=0
export HOME="$tmp/home"
export XDG_CONFIG_HOME="$HOME/.config" XDG_DATA_HOME="$HOME/.local/share" \
    XDG_CACHE_HOME="$HOME/.cache" XDG_RUNTIME_DIR="$tmp/run" \
    TMPDIR="$tmp/tmp"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$TMPDIR" "$tmp/src" \
    "$XDG_CONFIG_HOME/pierone" || exit 2
chmod 700 "$XDG_RUNTIME_DIR"
# Every skopeo run (sk) with our policy and no signature storage, bounded.
skopeo_env "$tmp" || exit 2

token=$(random)
password=$(random)
if [ ${#token} -ne 32 ] || [ ${#password} -ne 32 ]; then
	bail "random token and password from /dev/urandom"
fi

# --- the registry ----------------------------------------------------

if ! registry_serve "$tmp" "$token" "$(random)"; then
	show "$registry_log" 20
	bail "docker-registry listens on 127.0.0.1 ($why)"
fi
reg=$registry
# Ready when /v2/ refuses an anonymous client; the token must be let in.
if registry_ready "$token" "$tmp/v2.head"; then
	ok "docker-registry listens on $reg: /v2/ answers 401 with a Basic" \
	    "challenge, 200 to oauth2:TOKEN"
else
	show "$registry_log" 20
	bail "docker-registry listens on $reg: /v2/ answers 401 with a Basic" \
	    "challenge, 200 to oauth2:TOKEN (got $code, $authcode)"
fi

# --- images ----------------------------------------------------------

umoci_insert_opts=""
[ "$(id -u)" -eq 0 ] || umoci_insert_opts="--rootless"
# tag in the layout, what /version holds, config created
images="app1:1.0:2024-05-01T00:00:00Z
app2:2.0:2024-01-01T00:00:00Z
tools:0.1:2024-03-01T00:00:00Z"
layout=$tmp/oci
if umoci init --layout "$layout" >"$tmp/umoci.log" 2>&1; then
	built=yes
	for img in $images; do
		tag=${img%%:*}
		rest=${img#*:}
		version=${rest%%:*}
		created=${rest#*:}
		printf '%s %s\n' "$tag" "$version" >"$tmp/src/$tag"
		# shellcheck disable=SC2086 # no option or one
		{ umoci new --image "$layout:$tag" &&
		    umoci insert $umoci_insert_opts --image "$layout:$tag" \
		        --history.created "$created" "$tmp/src/$tag" /version &&
		    umoci config --image "$layout:$tag" --created "$created" \
		        --history.created "$created" --architecture amd64 \
		        --os linux; } >>"$tmp/umoci.log" 2>&1 || built=no
	done
else
	built=no
fi
if [ $built = yes ]; then
	ok "umoci builds three OCI images, one file each"
else
	show "$tmp/umoci.log"
	bail "umoci builds three OCI images, one file each"
fi

# skopeo pushes with an auth file of its own (the token not on argv):
# acid/app as Docker schema 2, what 'docker push' sends, and acid/tools
# as an OCI manifest, what buildah and BuildKit may send.
auth=$(printf 'oauth2:%s' "$token" | base64 | tr -d '\n')
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$reg" "$auth" \
    >"$tmp/push-auth.json"
chmod 600 "$tmp/push-auth.json"
# acid/group/app: a repository of three components, as v2 allows.
for push in app1:acid/app:1.0 app2:acid/app:2.0 tools:acid/tools:0.1 \
    app1:acid/group/app:1.0 app2:acid/group/app:2.0; do
	tag=${push%%:*}
	ref=${push#*:}
	format=v2s2
	[ "$tag" = tools ] && format=oci
	if run push sk copy --quiet --format "$format" --dest-tls-verify=false \
	    --authfile "$tmp/push-auth.json" --digestfile "$tmp/$tag.digest" \
	    "oci:$layout:$tag" "docker://$reg/$ref"; then
		ok "skopeo copy pushes $ref: $(cat "$tmp/$tag.digest")"
	else
		show "$tmp/push.err"
		show "$registry_log" 10
		bail "skopeo copy pushes $ref"
	fi
done
pushed=$(cat "$tmp/app1.digest")

# --- pierone login ---------------------------------------------------

"$fake" --gen unused:1:1 --user "alice:$password" --issue "$token" \
    --port 0 --port-file "$tmp/fake.port" --log "$tmp/fake.log" \
    >"$tmp/fake.out" 2>&1 &
fake_pid=$!
i=0
while [ $i -lt 100 ] && [ ! -s "$tmp/fake.port" ] &&
    kill -0 "$fake_pid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
fport=$(cat "$tmp/fake.port" 2>/dev/null)
case $fport in
[1-9]*) ok "the fake token service listens on 127.0.0.1:$fport" ;;
*)
	show "$tmp/fake.out"
	bail "the fake token service listens on 127.0.0.1" ;;
esac

printf 'token_url: http://127.0.0.1:%s/access_token\n' "$fport" \
    >"$XDG_CONFIG_HOME/pierone/pierone.yaml"
# The password in the environment (not on argv), of pierone login only.
# shellcheck disable=SC2086 # a command and its option, or nothing
if (export PIERONE_PASSWORD="$password"
    run login $limit "$bin" login --timeout 10 --url "http://$reg" -U alice) &&
    grep -qF "stored credentials for http://$reg " "$tmp/login.err" &&
    grep -q '^GET /access_token?.* 200 auth$' "$tmp/fake.log"
then
	ok "pierone login --url http://$reg -U alice, a token from the token" \
	    "service: stored credentials for http://$reg"
else
	show "$tmp/login.err"
	show "$tmp/fake.log"
	bail "pierone login --url http://$reg -U alice, a token from the token" \
	    "service"
fi
if [ -s "$tmp/login.out" ]; then
	not_ok "pierone login writes nothing to standard output"
	show "$tmp/login.out"
else
	ok "pierone login writes nothing to standard output"
fi
if grep -qF -e "$token" -e "$password" -e "$auth" "$tmp/login.out" \
    "$tmp/login.err"; then
	not_ok "pierone login shows neither token nor password"
else
	ok "pierone login shows neither token nor password"
fi
cfg=$HOME/.docker/config.json
dcfg=$HOME/.dockercfg
for f in "$cfg" "$dcfg"; do
	if [ ! -f "$f" ]; then
		bail "pierone login writes ~${f#"$HOME"}"
	fi
	# shellcheck disable=SC2012 # ls -l, not stat(1): portable
	got=$(ls -ld "$f" | cut -c1-10)
	if [ "$got" = "-rw-------" ]; then
		ok "pierone login writes ~${f#"$HOME"}, mode 0600"
	else
		not_ok "pierone login writes ~${f#"$HOME"}, mode 0600 (has $got)"
	fi
done
# --url is for this run only, as in stups-pierone 0.22: the user's file
# stays as it was, and the later commands get the URL from the environment.
if [ "$(cat "$XDG_CONFIG_HOME/pierone/pierone.yaml")" = \
    "token_url: http://127.0.0.1:$fport/access_token" ]
then
	ok "pierone login --url leaves pierone.yaml as it was"
else
	not_ok "pierone login --url leaves pierone.yaml as it was"
	show "$XDG_CONFIG_HOME/pierone/pierone.yaml"
fi
export PIERONE_URL="http://$reg"

# --- skopeo with pierone's credentials -------------------------------

# The tags of skopeo list-tags' JSON answer, sorted, on one line.
tags_of() {
	sed -n 's/^ *"\([^"]*\)",\{0,1\}$/\1/p' "$1" | sort | tr '\n' ' ' |
	    sed 's/ $//'
}
# skopeo list-tags and inspect of acid/app; $1 says with what, the rest
# are skopeo's options.
skopeo_checks() {
	with=$1
	shift
	if run tags sk list-tags --tls-verify=false "$@" \
	    "docker://$reg/acid/app" &&
	    [ "$(tags_of "$tmp/tags.out")" = "1.0 2.0" ]; then
		ok "skopeo list-tags acid/app with $with: 1.0 2.0"
	else
		not_ok "skopeo list-tags acid/app with $with: 1.0 2.0"
		show "$tmp/tags.out"
		show "$tmp/tags.err"
	fi
	for t in 1.0:2024-05-01T00:00:00Z 2.0:2024-01-01T00:00:00Z; do
		want="${t#*:}"
		t=${t%%:*}
		if run inspect sk inspect --tls-verify=false "$@" --format \
		    '{{.Digest}} {{.Created.UTC.Format "2006-01-02T15:04:05Z07:00"}}' \
		    "docker://$reg/acid/app:$t"; then
			got=$(cat "$tmp/inspect.out")
			if [ "$t" = 1.0 ]; then
				digest=${got%% *}
				want="$pushed $want"
			else
				want="$(cat "$tmp/app2.digest") $want"
			fi
			if [ "$got" = "$want" ]; then
				ok "skopeo inspect acid/app:$t with $with:" \
				    "digest as pushed, created ${want#* }"
			else
				not_ok "skopeo inspect acid/app:$t with $with:" \
				    "'$got', expected '$want'"
			fi
		else
			not_ok "skopeo inspect acid/app:$t with $with"
			show "$tmp/inspect.err"
		fi
	done
}

digest=""
skopeo_checks "--authfile ~/.docker/config.json" --authfile "$cfg"
D=${digest:-$pushed}

# Only ~/.dockercfg: skopeo (containers/image) reads it last, after
# $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json
# and ~/.docker/config.json, which are all missing here.
mv "$cfg" "$tmp/config.json.away" || exit 2
for f in "$XDG_RUNTIME_DIR/containers/auth.json" \
    "$XDG_CONFIG_HOME/containers/auth.json"; do
	[ ! -e "$f" ] || bail "no $f"
done
skopeo_checks "only ~/.dockercfg (no --authfile)"

# With neither: skopeo must be refused, or the checks above prove nothing.
mv "$dcfg" "$tmp/dockercfg.away" || exit 2
if run noauth sk list-tags --tls-verify=false "docker://$reg/acid/app"; then
	not_ok "skopeo list-tags without credentials is refused"
	show "$tmp/noauth.out"
elif grep -qiE 'unauthorized|authentication required' "$tmp/noauth.err"
then
	ok "skopeo list-tags without credentials is refused: unauthorized"
else
	not_ok "skopeo list-tags without credentials is refused (for want" \
	    "of credentials)"
	show "$tmp/noauth.err"
fi
mv "$tmp/config.json.away" "$cfg" && mv "$tmp/dockercfg.away" "$dcfg" ||
    exit 2

# --- pierone against the registry ------------------------------------

# pierone with the URL login saved and what login wrote; the registry's
# access log of the requests is shown when a check fails.
mark=0
pierone_run() {
	name=$1
	shift
	mark=$(wc -l <"$registry_log")
	# shellcheck disable=SC2086 # a command and its option, or nothing
	run "$name" $limit "$bin" "$@"
}
pierone_failed() {
	show "$tmp/$1.out"
	show "$tmp/$1.err"
	tail -n +"$((mark + 1))" "$registry_log" | grep '^127\.0\.0\.1 - ' |
	    tail -n 8 | sed 's/^/     | registry: /'
}
tab=$(printf '\t')

pierone_run artifacts artifacts --timeout 10 -o tsv acid
rc=$?
want="team${tab}artifact
acid${tab}app
acid${tab}tools"
got=$({ head -n 1 "$tmp/artifacts.out"; tail -n +2 "$tmp/artifacts.out" |
    sort; })
if [ $rc -eq 0 ] && [ "$got" = "$want" ]; then
	ok "pierone artifacts acid: app tools"
else
	not_ok "pierone artifacts acid: app tools (status $rc)"
	pierone_failed artifacts
fi

pierone_run ptags tags --timeout 10 -o tsv acid app
rc=$?
got=$(awk -F "$tab" 'NR > 1 { print $1, $2, $3 }' "$tmp/ptags.out" | sort)
if [ $rc -eq 0 ] && [ "$got" = "acid app 1.0
acid app 2.0" ] && [ "$(head -n 1 "$tmp/ptags.out" | cut -f 1-3)" = \
    "team${tab}artifact${tab}tag" ]; then
	ok "pierone tags acid app: 1.0 2.0"
else
	not_ok "pierone tags acid app: 1.0 2.0 (status $rc)"
	pierone_failed ptags
fi

# pierone_expect NAME WANT WHAT ARGS...: pierone ARGS prints exactly WANT.
pierone_expect() {
	_name=$1 _want=$2 _what=$3
	shift 3
	pierone_run "$_name" "$@"
	_rc=$?
	if [ $_rc -eq 0 ] && [ "$(cat "$tmp/$_name.out")" = "$_want" ]; then
		ok "$_what"
	else
		not_ok "$_what (status $_rc)"
		pierone_failed "$_name"
	fi
}

pierone_expect latest 1.0 \
    "pierone latest acid app: 1.0, created last though pushed first" \
    latest --timeout 10 acid app
want="$reg/acid/app:1.0@$D"
pierone_expect digest "$want" \
    "pierone latest --digest acid app: $want, skopeo's digest" \
    latest --digest --timeout 10 acid app
want="$reg/acid/tools:0.1@$(cat "$tmp/tools.digest")"
pierone_expect ocidigest "$want" \
    "pierone latest --digest acid tools (an OCI manifest): $want" \
    latest --digest --timeout 10 acid tools

# Image references, and a repository of three components.
pierone_expect refplain 1.0 "pierone latest acid/app (a reference): 1.0" \
    latest --timeout 10 acid/app
pierone_expect refhost 1.0 \
    "pierone latest $reg/acid/group/app (nested, with the host): 1.0" \
    latest --timeout 10 "$reg/acid/group/app"
pierone_run refnested tags --timeout 10 -o tsv acid/group/app
rc=$?
got=$(awk -F "$tab" 'NR > 1 { print $1, $2, $3 }' "$tmp/refnested.out" |
    sort)
if [ $rc -eq 0 ] && [ "$got" = "acid group/app 1.0
acid group/app 2.0" ]; then
	ok "pierone tags acid/group/app: 1.0 2.0"
else
	not_ok "pierone tags acid/group/app: 1.0 2.0 (status $rc)"
	pierone_failed refnested
fi
want="$reg/acid/group/app:1.0@$D"
pierone_expect refdigest "$want" \
    "pierone latest --digest $reg/acid/group/app: $want" \
    latest --digest --timeout 10 "$reg/acid/group/app"
pierone_run refdescribe describe --timeout 10 -o json \
    "$reg/acid/group/app:2.0"
rc=$?
if [ $rc -eq 0 ] && grep -qF "\"digest\": \"$(cat "$tmp/app2.digest")\"" \
    "$tmp/refdescribe.out"; then
	ok "pierone describe $reg/acid/group/app:2.0: the digest pushed"
else
	not_ok "pierone describe $reg/acid/group/app:2.0 (status $rc)"
	pierone_failed refdescribe
fi

if grep -qF -e "$token" -e "$auth" "$tmp/artifacts.out" "$tmp/artifacts.err" \
    "$tmp/ptags.out" "$tmp/ptags.err" "$tmp/latest.out" "$tmp/latest.err" \
    "$tmp/digest.out" "$tmp/digest.err" "$tmp/ocidigest.out" \
    "$tmp/ocidigest.err"; then
	not_ok "pierone shows the token in no output"
else
	ok "pierone shows the token in no output"
fi

# --- over TLS: HTTP/2 and TLS session reuse --------------------------

# nginx (tests/nginx.sh) in front of a fake Pier One of 60 artifacts x 3
# tags; pierone with its own token, the test CA through
# PIERONE_CA_BUNDLE.  Each check reads nginx's access log of its run:
# per request, its connection, r when the connection's TLS session was
# resumed, and the protocol.
if ! nginx_certs "$tmp/tls"; then
	show "$tmp/tls/openssl.log" 10
	bail "openssl makes a CA and a certificate for 127.0.0.1"
fi
ttoken=$(random)
"$fake" --token "$ttoken" --gen tls:60:3 --port 0 \
    --port-file "$tmp/tlsfake.port" >"$tmp/tlsfake.out" 2>&1 &
tlsfake_pid=$!
i=0
while [ $i -lt 100 ] && [ ! -s "$tmp/tlsfake.port" ] &&
    kill -0 "$tlsfake_pid" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
tport=$(cat "$tmp/tlsfake.port" 2>/dev/null)
case $tport in
[1-9]*) ;;
*)
	show "$tmp/tlsfake.out"
	bail "the fake registry of 60 artifacts listens on 127.0.0.1" ;;
esac
if nginx_start "$tmp/nginx" "$tmp/tls" "$tport" "$delayproxy"; then
	ok "nginx listens on 127.0.0.1:$nginx_h2_port (TLS, http2) and" \
	    ":$nginx_h1_port (TLS, http2 off) in front of the fake registry"
else
	show "$tmp/nginx/logs/error.log" 10
	bail "nginx listens on 127.0.0.1 in front of the fake registry: $why"
fi

# tls_run NAME PORT CA ARGS...: pierone ARGS at https://127.0.0.1:PORT,
# trusting CA (none when empty); nginx's log lines of the run in
# $tmp/NAME.log.
tls_run() {
	_name=$1 _port=$2 _ca=$3
	shift 3
	if [ "$_port" = "$nginx_h2_port" ]; then _log=h2; else _log=h1; fi
	_log=$tmp/nginx/logs/$_log.log
	_mark=$(wc -l <"$_log")
	# shellcheck disable=SC2086 # a command and its option, or nothing
	(export OAUTH2_ACCESS_TOKENS="pierone=$ttoken" \
	    PIERONE_URL="https://127.0.0.1:$_port"
	[ -z "$_ca" ] || export PIERONE_CA_BUNDLE="$_ca"
	run "$_name" $limit "$bin" "$@")
	_rc=$?
	# nginx writes a line once a request is done: the last ones may
	# come a little after pierone's exit.
	sleep 0.2
	tail -n +"$((_mark + 1))" "$_log" >"$tmp/$_name.log"
	return $_rc
}
# conns LOG: "N R", the connections in LOG and how many of those after
# the first resumed their TLS session (their first line's $2).
conns() {
	awk '!($1 in s) { s[$1] = $2; n++; if (n > 1 && $2 == "r") r++ }
	END { print n + 0, r + 0 }' "$1"
}
ca=$tmp/tls/ca.pem

tls_run h2tags "$nginx_h2_port" "$ca" tags --timeout 10 -o tsv tls
rc=$?
lines=$(wc -l <"$tmp/h2tags.out" | tr -d ' ')
reqs=$(wc -l <"$tmp/h2tags.log" | tr -d ' ')
protos=$(awk '{ print $3 }' "$tmp/h2tags.log" | sort -u | tr '\n' ' ')
c=$(conns "$tmp/h2tags.log")
nconn=${c% *}
if [ $rc -eq 0 ] && [ "$lines" -eq 181 ] && [ "$reqs" -eq 61 ] &&
    [ "$protos" = "HTTP/2.0 " ] && [ "$nconn" -eq 1 ] &&
    [ "$(awk '$5 != 200' "$tmp/h2tags.log" | wc -l)" -eq 0 ]; then
	ok "pierone tags over http2: 180 rows of 60 artifacts; its 61" \
	    "requests, all answered 200, all HTTP/2.0 on one connection"
else
	not_ok "pierone tags over http2: 180 rows of 60 artifacts, 61" \
	    "requests all HTTP/2.0 on one connection (status $rc, $lines" \
	    "lines, $reqs requests, protocols ${protos% }, $nconn connections)"
	show "$tmp/h2tags.err" 5
	show "$tmp/h2tags.log" 5
fi

tls_run h1tags "$nginx_h1_port" "$ca" tags --timeout 10 -o tsv -j 4 tls
rc=$?
lines=$(wc -l <"$tmp/h1tags.out" | tr -d ' ')
protos=$(awk '{ print $3 }' "$tmp/h1tags.log" | sort -u | tr '\n' ' ')
c=$(conns "$tmp/h1tags.log")
nconn=${c% *}
nres=${c#* }
if [ $rc -eq 0 ] && [ "$lines" -eq 181 ] && [ "$protos" = "HTTP/1.1 " ] &&
    [ "$nconn" -gt 1 ] && [ "$nconn" -le 4 ] &&
    [ "$nres" -eq $((nconn - 1)) ]; then
	ok "pierone tags -j 4 over HTTP/1.1: 180 rows on $nconn connections" \
	    "(2 to 4), each after the first resuming the TLS session"
else
	not_ok "pierone tags -j 4 over HTTP/1.1: 180 rows on 2 to 4" \
	    "connections, each after the first resuming the TLS session" \
	    "(status $rc, $lines lines, protocols ${protos% }, $nconn" \
	    "connections, $nres of the later ones resumed)"
	show "$tmp/h1tags.err" 5
	awk '!($1 in s) { s[$1] = 1; print }' "$tmp/h1tags.log" |
	    sed 's/^/     | nginx: /'
fi

tls_run trusted "$nginx_h2_port" "$ca" latest --timeout 10 tls app-0000
rc=$?
if [ $rc -eq 0 ] && [ "$(cat "$tmp/trusted.out")" = 1.0.2 ]; then
	ok "pierone latest over TLS trusts the test CA in PIERONE_CA_BUNDLE: 1.0.2"
else
	not_ok "pierone latest over TLS trusts the test CA in" \
	    "PIERONE_CA_BUNDLE (status $rc)"
	show "$tmp/trusted.out" 5
	show "$tmp/trusted.err" 5
fi
tls_run untrusted "$nginx_h2_port" "" latest --timeout 10 tls app-0000
rc=$?
if [ $rc -eq 1 ] && [ ! -s "$tmp/untrusted.out" ] &&
    [ "$(wc -l <"$tmp/untrusted.err" | tr -d ' ')" -eq 1 ] &&
    grep -q '^pierone: .*certificate' "$tmp/untrusted.err" &&
    [ ! -s "$tmp/untrusted.log" ]; then
	ok "pierone latest over TLS without PIERONE_CA_BUNDLE is refused:" \
	    "status 1, one line: $(cut -c1-60 "$tmp/untrusted.err")..."
else
	not_ok "pierone latest over TLS without PIERONE_CA_BUNDLE is" \
	    "refused: status 1, one line naming the certificate (status $rc)"
	show "$tmp/untrusted.out" 5
	show "$tmp/untrusted.err" 5
fi

summary
