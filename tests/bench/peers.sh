# shellcheck shell=sh
# shellcheck disable=SC2154,SC2034 # bench.sh's variables and functions
# SPDX-License-Identifier: Apache-2.0
#
# tests/bench/peers.sh, sourced by tests/bench.sh (whose functions and
# variables it uses): pierone against skopeo on Debian's docker-registry,
# started as tests/integration.sh starts it (tests/registry.sh): on
# 127.0.0.1, plain HTTP, htpasswd with the user oauth2 and the bench's
# token.  No latency is added here.
#
# The data, pushed with curl: one image (a layer of one file, 20 configs
# created on 20 different days, so 20 manifests) uploaded to peer/app-00;
# its blobs mounted into peer/app-01 ... peer/app-29 and big/app; in each
# peer repository the 20 manifests as tags 1.0.0 ... 1.0.19 (1.0.17 is
# the newest by date, not by name), in big/app 2000 tags 1.0.0 ...
# 1.0.1999 of the same 20 manifests.
#
# The rows, each checked to give the same answer both ways:
#   - all tags of all 30 repositories: 'pierone tags -l 0 peer' (over v2:
#     the catalog, each tag list, then every tag's manifest and config
#     for its date) against a loop of 'skopeo list-tags' (names only,
#     over the 30 repositories named in advance: skopeo has no catalog),
#     one after another and 8 at a time (xargs -P 8); then the same work
#     as skopeo's, names only: 'pierone tags --no-dates -l 0 peer';
#   - the newest tag of one repository: 'pierone latest' against what a
#     skopeo user does: list-tags, then 'inspect --config' of each tag
#     for its date;
#   - one repository of 2000 tags: 'pierone tags -l 0' (two pages of
#     1000 names, as it asks for n=1000; then 2000 manifests and the 20
#     configs), and with --no-dates (the two pages), against 'skopeo
#     list-tags' (one page: without n, docker-registry answers all).
# The untimed check runs are the warm-up runs.
# skopeo, told --tls-verify=false, tries HTTPS first on each connection
# and then HTTP, as it does with any insecure registry.

peer_repos=""
pauth=$tmp/peers/auth.json

# peer_curl ARGS...: curl as oauth2 (the token not on argv).
peer_curl() {
	curl -s -K "$tmp/peers/curl.auth" "$@"
}

# The image: a layer, 20 configs, 20 manifests; blobs listed in
# $tmp/peers/blobs as "DIGEST FILE".
peers_image() {
	_d=$tmp/peers/img
	mkdir -p "$_d/rootfs"
	echo "pierone bench" >"$_d/rootfs/hello"
	tar -C "$_d/rootfs" -cf "$_d/layer.tar" hello
	gzip -n -c "$_d/layer.tar" >"$_d/layer.tgz"
	_diff=sha256:$(sha256sum <"$_d/layer.tar" | cut -d' ' -f1)
	_ldig=sha256:$(sha256sum <"$_d/layer.tgz" | cut -d' ' -f1)
	_lsize=$(wc -c <"$_d/layer.tgz" | tr -d ' ')
	echo "$_ldig $_d/layer.tgz" >"$tmp/peers/blobs"
	_i=0
	while [ $_i -lt 20 ]; do
		_c=$(printf '2024-01-%02dT00:00:00Z' $((_i * 7 % 20 + 1)))
		printf '{"architecture":"amd64","os":"linux","created":"%s",%s%s' \
		    "$_c" '"config":{},"rootfs":{"type":"layers","diff_ids":' \
		    "[\"$_diff\"]},\"history\":[{\"created\":\"$_c\"}]}" \
		    >"$_d/config$_i.json"
		_cdig=sha256:$(sha256sum <"$_d/config$_i.json" | cut -d' ' -f1)
		echo "$_cdig $_d/config$_i.json" >>"$tmp/peers/blobs"
		printf '{"schemaVersion":2,"mediaType":"%s","config":%s,%s}' \
		    "application/vnd.docker.distribution.manifest.v2+json" \
		    "{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":$(wc -c <"$_d/config$_i.json" | tr -d ' '),\"digest\":\"$_cdig\"}" \
		    "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":$_lsize,\"digest\":\"$_ldig\"}]" \
		    >"$_d/manifest$_i.json"
		_i=$((_i + 1))
	done
}

# The blobs into peer/app-00: POST an upload, PUT the blob whole.
peers_upload() {
	while read -r _dig _file; do
		_loc=$(peer_curl -X POST -D - -o /dev/null \
		    "http://$registry/v2/peer/app-00/blobs/uploads/" |
		    tr -d '\r' | sed -n 's/^[Ll]ocation: *//p')
		case $_loc in
		http://*) ;;
		/*) _loc="http://$registry$_loc" ;;
		*) die "docker-registry: no upload location for a blob" ;;
		esac
		case $_loc in
		*\?*) _loc="$_loc&" ;;
		*) _loc="$_loc?" ;;
		esac
		_code=$(peer_curl -X PUT -o /dev/null -w '%{http_code}' \
		    -H "Content-Type: application/octet-stream" \
		    --data-binary "@$_file" "${_loc}digest=${_dig%%:*}%3A${_dig#*:}")
		[ "$_code" = 201 ] ||
		    die "docker-registry: a blob upload answered $_code, not 201"
	done <"$tmp/peers/blobs"
}

# Mounts and manifests, 3230 requests in one curl (one connection).
peers_populate() {
	_cfg=$tmp/peers/populate.curl
	_img=$tmp/peers/img
	{
		cat "$tmp/peers/curl.auth"
		echo 'silent'
		printf '%s\n' 'write-out = "%{http_code}\n"'
		echo 'data = ""'
		for _r in $peer_repos big/app; do
			[ "$_r" != app-00 ] || continue
			case $_r in big/*) ;; *) _r=peer/$_r ;; esac
			while read -r _dig _file; do
				echo "url = \"http://$registry/v2/$_r/blobs/uploads/?mount=$_dig&from=peer/app-00\""
				echo 'output = "/dev/null"'
			done <"$tmp/peers/blobs"
		done
		echo 'next'
		cat "$tmp/peers/curl.auth"
		echo 'silent'
		printf '%s\n' 'write-out = "%{http_code}\n"'
		echo 'header = "Content-Type: application/vnd.docker.distribution.manifest.v2+json"'
		for _r in $peer_repos; do
			_i=0
			while [ $_i -lt 20 ]; do
				echo "url = \"http://$registry/v2/peer/$_r/manifests/1.0.$_i\""
				echo "upload-file = \"$_img/manifest$_i.json\""
				echo 'output = "/dev/null"'
				_i=$((_i + 1))
			done
		done
		_i=0
		while [ $_i -lt 2000 ]; do
			echo "url = \"http://$registry/v2/big/app/manifests/1.0.$_i\""
			echo "upload-file = \"$_img/manifest$((_i % 20)).json\""
			echo 'output = "/dev/null"'
			_i=$((_i + 1))
		done
	} >"$_cfg"
	curl -K "$_cfg" >"$tmp/peers/codes" ||
	    die "curl could not populate docker-registry"
	expect "docker-registry's answers to 630 mounts and 2600 manifests" \
	    "3230 201" "$(sort "$tmp/peers/codes" | uniq -c | awk '{ print $1, $2 }')"
}

# The tags in skopeo list-tags' JSON answers: "REPOSITORY TAG" lines.
sk_tags() {
	awk -F '"' '/"Repository":/ { r = $4; sub(/.*\//, "", r) }
	/^ *"[^"]*",?$/ { print r, $2 }'
}

sk_list() {
	sk list-tags --tls-verify=false --authfile "$pauth" "docker://$registry/$1"
}

p_peer_tags() {
	PIERONE_URL=http://$registry PIERONE_API=v2 "$pierone" tags -l 0 \
	    -o tsv peer
}
s_peer_seq() {
	for _r in $peer_repos; do
		sk_list "peer/$_r" || return 1
	done
}
s_peer_par() {
	# shellcheck disable=SC2086 # a list of names
	printf '%s\n' $peer_repos | xargs -P 8 -I @REPO@ skopeo \
	    --command-timeout 30s --policy "$skopeo_dir/policy.json" \
	    --registries.d "$skopeo_dir/registries.d" list-tags \
	    --tls-verify=false --authfile "$pauth" \
	    "docker://$registry/peer/@REPO@"
}
p_peer_names() {
	PIERONE_URL=http://$registry PIERONE_API=v2 "$pierone" tags -l 0 \
	    --no-dates -o tsv peer
}
p_peer_big_names() {
	PIERONE_URL=http://$registry PIERONE_API=v2 "$pierone" tags -l 0 \
	    --no-dates -o tsv big app
}
p_peer_latest() {
	PIERONE_URL=http://$registry PIERONE_API=v2 "$pierone" latest peer \
	    app-07
}
# The newest by the configs' dates, as a skopeo user finds it.
s_peer_latest() {
	sk_list peer/app-07 >"$tmp/peers/lt.json" || return 1
	: >"$tmp/peers/created"
	for _t in $(sk_tags <"$tmp/peers/lt.json" | cut -d' ' -f2); do
		sk inspect --config --tls-verify=false --authfile "$pauth" \
		    "docker://$registry/peer/app-07:$_t" >"$tmp/peers/cfg.json" ||
		    return 1
		# shellcheck disable=SC2020 # each of the three
		_c=$(tr ',{}' '\n\n\n' <"$tmp/peers/cfg.json" |
		    sed -n 's/^ *"created": *"\([^"]*\)".*/\1/p' | head -n 1)
		echo "$_c $_t" >>"$tmp/peers/created"
	done
	sort "$tmp/peers/created" | tail -n 1 | cut -d' ' -f2
}
p_peer_big() {
	PIERONE_URL=http://$registry PIERONE_API=v2 "$pierone" tags -l 0 \
	    -o tsv big app
}
s_peer_big() {
	sk_list big/app
}

# counted FUNC: check FUNC, the requests it made of the registry (its
# access log's lines) in $nreq_FUNC.
counted() {
	_n0=$(grep -c '^127\.0\.0\.1 - ' "$registry_log" || :)
	check "$1"
	eval "nreq_$1=$(($(grep -c '^127\.0\.0\.1 - ' "$registry_log" || :) - _n0))"
}

# p_tags: pierone's tsv in $out as sorted "REPOSITORY TAG" lines;
# p_names: as sorted tag names.
p_tags() {
	printf '%s\n' "$out" | awk -F '\t' 'NR > 1 { print $2, $3 }' | sort
}
p_names() {
	printf '%s\n' "$out" | awk -F '\t' 'NR > 1 { print $3 }' | sort
}

# The answers, once, untimed: the same both ways.
peers_check() {
	counted p_peer_tags
	p_tags >"$tmp/peers/p.tags"
	counted s_peer_seq
	printf '%s\n' "$out" | sk_tags | sort >"$tmp/peers/s.tags"
	expect "skopeo list-tags over the 30 repositories" 600 \
	    "$(wc -l <"$tmp/peers/s.tags" | tr -d ' ')"
	expect "pierone tags -l 0 peer (the tags skopeo lists)" \
	    "$(cat "$tmp/peers/s.tags")" "$(cat "$tmp/peers/p.tags")"
	counted p_peer_names
	expect "pierone tags --no-dates -l 0 peer (the tags skopeo lists)" \
	    "$(cat "$tmp/peers/s.tags")" "$(p_tags)"
	check s_peer_par
	expect "skopeo list-tags, 8 at a time" "$(cat "$tmp/peers/s.tags")" \
	    "$(printf '%s\n' "$out" | sk_tags | sort)"
	counted p_peer_latest
	expect "pierone latest peer app-07" 1.0.17 "$out"
	counted s_peer_latest
	expect "skopeo list-tags and inspect --config of peer/app-07" 1.0.17 \
	    "$out"
	counted p_peer_big
	p_names >"$tmp/peers/p.big"
	counted s_peer_big
	printf '%s\n' "$out" | sk_tags | cut -d' ' -f2 | sort >"$tmp/peers/s.big"
	expect "skopeo list-tags big/app" 2000 \
	    "$(wc -l <"$tmp/peers/s.big" | tr -d ' ')"
	expect "pierone tags -l 0 big app (the tags skopeo lists)" \
	    "$(cat "$tmp/peers/s.big")" "$(cat "$tmp/peers/p.big")"
	counted p_peer_big_names
	expect "pierone tags --no-dates -l 0 big app (the tags skopeo lists)" \
	    "$(cat "$tmp/peers/s.big")" "$(p_names)"
}

# prow SCENARIO RUNS PIERONE BASELINE RUNS BASELINE RATIO NOTE
prow() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$peer_rows"
}

peers_main() {
	mkdir -p "$tmp/peers"
	printf 'user = "oauth2:%s"\n' "$token" >"$tmp/peers/curl.auth"
	_i=0
	while [ $_i -lt 30 ]; do
		peer_repos="$peer_repos $(printf 'app-%02d' $_i)"
		_i=$((_i + 1))
	done
	# skopeo's files under $tmp only, as in tests/integration.sh.
	export XDG_CONFIG_HOME="$HOME/.config" \
	    XDG_DATA_HOME="$HOME/.local/share" XDG_CACHE_HOME="$HOME/.cache" \
	    XDG_RUNTIME_DIR="$tmp/peers/run" TMPDIR="$tmp/peers/tmp"
	mkdir -p "$XDG_RUNTIME_DIR" "$TMPDIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	skopeo_cache_note
	skopeo_env "$tmp/peers" || die "cannot set up skopeo's files"
	sk_limit=""	# timed as pierone is: no timeout(1) around it
	registry_serve "$tmp/peers" "$token" "$(od -An -N16 -tx1 /dev/urandom |
	    tr -d ' \n')" || {
		pids="$pids $registry_pid"
		cat "$registry_log" >&2
		die "$why"
	}
	pids="$pids $registry_pid"
	registry_ready "$token" "$tmp/peers/v2.head" || {
		tail -n 20 "$registry_log" >&2
		die "docker-registry on $registry: /v2/ answers $code, and" \
		    "$authcode to oauth2:TOKEN (expected 401 Basic and 200)"
	}
	printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$registry" \
	    "$(printf 'oauth2:%s' "$token" | base64 | tr -d '\n')" >"$pauth"
	echo "bench: docker-registry: pushing 30 x 20 and 2000 tags..." >&2
	peers_image
	peers_upload
	peers_populate
	echo "bench: pierone against skopeo..." >&2
	peers_check
	peer_rows=$tmp/peers/rows
	: >"$peer_rows"
	wall peer_tags p_peer_tags 3 s_peer_seq 3 checked
	prow "tags -l 0 peer: 30 repositories × 20" 3 "$(ms "$ms_a")" \
	    "skopeo list-tags, one by one" 3 "$(ms "$ms_b")" \
	    "$(ratio "$ms_a" "$ms_b")" "$nreq_p_peer_tags / $nreq_s_peer_seq"
	_p=$ms_a _seq=$ms_b
	wall peer_par s_peer_par 3 - 0 checked
	prow "" "" "" "skopeo list-tags, xargs -P 8" 3 "$(ms "$ms_a")" \
	    "$(ratio "$_p" "$ms_a")" ""
	_par=$ms_a
	wall peer_names p_peer_names 5 - 0 checked
	prow "tags --no-dates -l 0 peer (names, as list-tags)" 5 \
	    "$(ms "$ms_a")" "skopeo list-tags, one by one" 3 "$(ms "$_seq")" \
	    "$(ratio "$ms_a" "$_seq")" "$nreq_p_peer_names / $nreq_s_peer_seq"
	prow "" "" "" "skopeo list-tags, xargs -P 8" 3 "$(ms "$_par")" \
	    "$(ratio "$ms_a" "$_par")" ""
	wall peer_latest p_peer_latest 5 s_peer_latest 3 checked
	prow "latest peer app-07 (20 tags)" 5 "$(ms "$ms_a")" \
	    "skopeo list-tags + 20 inspect --config" 3 "$(ms "$ms_b")" \
	    "$(ratio "$ms_a" "$ms_b")" \
	    "$nreq_p_peer_latest / $nreq_s_peer_latest"
	wall peer_big p_peer_big 3 s_peer_big 5 checked
	prow "tags -l 0 big app: 2000 tags" 3 "$(ms "$ms_a")" \
	    "skopeo list-tags" 5 "$(ms "$ms_b")" "$(ratio "$ms_a" "$ms_b")" \
	    "$nreq_p_peer_big / $nreq_s_peer_big"
	_sk=$ms_b
	wall peer_big_names p_peer_big_names 5 - 0 checked
	prow "tags --no-dates -l 0 big app (names)" 5 "$(ms "$ms_a")" \
	    "skopeo list-tags" 5 "$(ms "$_sk")" "$(ratio "$ms_a" "$_sk")" \
	    "$nreq_p_peer_big_names / $nreq_s_peer_big"
	echo
	echo "Against skopeo $(skopeo --version | sed 's/.*version //') on" \
	    "docker-registry $(docker-registry --version | sed 's/.* //')" \
	    "(127.0.0.1, HTTP, htpasswd; no added latency)"
	echo
	table "2 3 5 6 7" "$peer_rows" <<EOF
scenario	runs	pierone	baseline	runs	baseline	ratio	requests
EOF
	echo
	echo "requests: what docker-registry logged, pierone's / the baseline's."
	echo "pierone's tags and latest also read each tag's manifest and" \
	    "config (for the dates),"
	echo "a config shared by tags of one repository once; skopeo list-tags" \
	    "reads names only, as"
	echo "pierone tags --no-dates does."
	echo "docker-registry checks the htpasswd bcrypt hash on every" \
	    "request (some 3 ms of its CPU"
	echo "here): the rows of many requests measure the registry more than" \
	    "the client."
}

echo
if [ -n "$peers_why" ]; then
	echo "Against skopeo: skipped: $peers_why"
else
	peers_main
fi
