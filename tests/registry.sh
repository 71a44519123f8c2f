# shellcheck shell=sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/registry.sh: sourced (POSIX sh) by tests/integration.sh and
# tests/bench.sh.  Debian's docker-registry (Distribution 2.8) on
# 127.0.0.1 at a port the kernel picks, htpasswd auth for the user oauth2
# with a token as its password (as Pier One takes Docker's credentials),
# the system services a package install may start, and skopeo's blob
# cache under /var/lib/containers.  Messages go to standard error; the
# functions say what failed in $why and return 1, and leave the verdict
# to the caller.

# started_pids NAME BEFORE: the processes named NAME not in BEFORE (the
# list taken before an install).
started_pids() {
	command -v pgrep >/dev/null 2>&1 || return 0
	pgrep -x "$1" | sort | grep -vxF "${2:-none}" || :
}

# stop_started NAME SERVICE BEFORE WHO: installing a package starts its
# system service where policy-rc.d lets it (no systemd here, but
# elsewhere): stop what the install started.  0 when nothing of it runs
# (any more); 1 with $why naming what still runs.
stop_started() {
	[ -n "$(started_pids "$1" "$3")" ] || return 0
	echo "$4: installing $2 started its system service; stopping it" >&2
	if [ "$(id -u)" -eq 0 ]; then _sudo=""; else _sudo="sudo"; fi
	if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
	then
		$_sudo systemctl stop "$2.service"
	elif [ -x "/etc/init.d/$2" ]; then
		$_sudo "/etc/init.d/$2" stop
	fi >&2
	started_gone "$1" "$3" && return 0
	# shellcheck disable=SC2046 # a list of process ids
	$_sudo kill $(started_pids "$1" "$3") 2>/dev/null
	started_gone "$1" "$3" && return 0
	why="still running as process $(started_pids "$1" "$3" | tr '\n' ' ')"
	return 1
}

started_gone() {
	_i=0
	while [ $_i -lt 50 ]; do
		[ -z "$(started_pids "$1" "$2")" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# skopeo run as root keeps a blob cache under /var/lib/containers: what a
# run creates there is to be removed with the rest.  skopeo_cache_note
# lists in $skopeo_made what does not exist yet; skopeo_cache_clean
# removes it (from a trap).
skopeo_blobcache=/var/lib/containers/cache/blob-info-cache-v1.boltdb
skopeo_made=""
skopeo_cache_note() {
	[ "$(id -u)" -eq 0 ] || return 0
	for _p in /var/lib/containers /var/lib/containers/cache \
	    "$skopeo_blobcache"; do
		[ -e "$_p" ] || skopeo_made="$_p $skopeo_made"
	done
}
skopeo_cache_clean() {
	for _p in $skopeo_made; do
		if [ "$_p" = "$skopeo_blobcache" ]; then rm -f "$_p"
		else rmdir "$_p" || :; fi
	done 2>/dev/null
	skopeo_made=""
}

# skopeo_env DIR: skopeo's configuration, state and policy under DIR
# only; HOME, the XDG directories and TMPDIR are the caller's.  Then sk
# runs skopeo with that policy and no signature storage, bounded in time.
skopeo_env() {
	export CONTAINERS_REGISTRIES_CONF="$1/registries.conf"
	unset CONTAINERS_CONF
	mkdir -p "$1/registries.d" || return 1
	: >"$CONTAINERS_REGISTRIES_CONF"
	printf '{"default": [{"type": "insecureAcceptAnything"}]}\n' \
	    >"$1/policy.json"
	skopeo_dir=$1
	sk_limit=""
	timeout --foreground 60 true 2>/dev/null &&
	    sk_limit="timeout --foreground 60"
}
# shellcheck disable=SC2317 # called by the callers
sk() {
	$sk_limit skopeo --command-timeout 30s \
	    --policy "$skopeo_dir/policy.json" \
	    --registries.d "$skopeo_dir/registries.d" "$@"
}

# A YAML single-quoted scalar.
registry_yq() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"
}

# registry_serve DIR TOKEN SECRET: docker-registry serving DIR/registry
# on 127.0.0.1, the user oauth2 with the password TOKEN.  Sets
# $registry_pid (also when it fails: the caller stops it), $registry_port,
# $registry (127.0.0.1:PORT) and $registry_log.  1 with $why when it does
# not listen.
registry_serve() {
	registry_log=$1/registry.log
	registry_pid=""
	# htpasswd reads the password from standard input: not on argv.
	printf '%s\n' "$2" | htpasswd -B -i -n oauth2 >"$1/htpasswd" \
	    2>"$1/htpasswd.err" || {
		why="htpasswd -B cannot make the registry's password file"
		why="$why: $(cat "$1/htpasswd.err")"
		return 1
	}
	cat >"$1/registry.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $(registry_yq "$1/registry")
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:0
  secret: $3
auth:
  htpasswd:
    realm: pierone-integration
    path: $(registry_yq "$1/htpasswd")
health:
  storagedriver:
    enabled: false
EOF
	docker-registry serve "$1/registry.yml" >"$registry_log" 2>&1 &
	registry_pid=$!
	# Port 0: the kernel picks a free port, which the registry logs once
	# it listens ("listening on 127.0.0.1:PORT").
	registry_port=""
	_i=0
	while [ $_i -lt 100 ]; do
		registry_port=$(sed -n \
		    's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' \
		    "$registry_log" | head -n 1)
		[ -n "$registry_port" ] && break
		kill -0 "$registry_pid" 2>/dev/null || break
		sleep 0.1
		_i=$((_i + 1))
	done
	registry=127.0.0.1:$registry_port
	[ -n "$registry_port" ] && return 0
	why="docker-registry serve does not listen on 127.0.0.1"
	return 1
}

# registry_ready TOKEN HEADFILE: whether /v2/ refuses an anonymous client
# with a Basic challenge (its headers in HEADFILE) and lets oauth2:TOKEN
# in (curl -K -, not argv).  Sets $code and $authcode.
registry_ready() {
	code=""
	_i=0
	while [ $_i -lt 50 ]; do
		code=$(curl -s -o /dev/null -D "$2" -w '%{http_code}' \
		    --max-time 5 "http://$registry/v2/")
		[ "$code" = 401 ] && break
		sleep 0.1
		_i=$((_i + 1))
	done
	authcode=$(printf 'user = "oauth2:%s"\n' "$1" |
	    curl -s -o /dev/null -w '%{http_code}' --max-time 5 -K - \
	    "http://$registry/v2/")
	[ "$code" = 401 ] && [ "$authcode" = 200 ] &&
	    grep -qi '^www-authenticate: *basic' "$2"
}
