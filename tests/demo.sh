#!/bin/sh
# make demo: run pierone's read commands against the local fake registry
# with a throwaway HOME, showing each command and its output.
# usage: demo.sh PIERONE FAKE_REGISTRY DATA_FILE
set -eu

pierone=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fake=$2
data=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pierone-demo.XXXXXX")
pid=""
pid2=""

cleanup() {
	for p in $pid $pid2; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP PIPE

# wait_port PID FILE: until the fake registry has written its port.
wait_port() {
	i=0
	while [ ! -s "$2" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$1" 2>/dev/null; then
			echo "demo: the fake registry did not start:" >&2
			cat "$tmp/fake.log" >&2
			exit 1
		fi
		sleep 0.05
	done
}

"$fake" --data "$data" --token demo-token --issue demo-token \
    --user demo:demo-password --port-file "$tmp/port" \
    >/dev/null 2>"$tmp/fake.log" &
pid=$!
wait_port "$pid" "$tmp/port"
port=$(cat "$tmp/port")

# The same images in a plain v2 registry (no /teams), whose token realm
# takes Basic oauth2:TOKEN, as Pier One's Docker logins do.
"$fake" --data "$data" --token demo-token --api v2 --auth bearer \
    --port-file "$tmp/port2" >/dev/null 2>>"$tmp/fake.log" &
pid2=$!
wait_port "$pid2" "$tmp/port2"
v2="http://127.0.0.1:$(cat "$tmp/port2")"

# A throwaway home: none of the user's files are read or written.
export HOME="$tmp/home"
unset XDG_CONFIG_HOME CREDENTIALS_DIR OAUTH2_ACCESS_TOKENS PIERONE_URL \
    PIERONE_TIMEOUT PIERONE_CONNECT_TIMEOUT PIERONE_CA_BUNDLE
mkdir -p "$HOME/.config/pierone"
# The registry and its token service (the fake registry plays both), as
# a user's pierone.yaml names them.
printf 'url: http://127.0.0.1:%s\ntoken_url: http://127.0.0.1:%s/access_token\n' \
    "$port" "$port" >"$HOME/.config/pierone/pierone.yaml"

echo "Fake Pier One registry and token service on http://127.0.0.1:$port"
echo "(HOME=$HOME; none of your own files are touched)"
run() {
	echo
	echo "\$ pierone $*"
	"$pierone" "$@"
}
run --version
echo
echo "\$ cat ~/.config/pierone/pierone.yaml"
cat "$HOME/.config/pierone/pierone.yaml"
echo
echo "\$ PIERONE_USER=demo PIERONE_PASSWORD=... pierone login"
PIERONE_USER=demo PIERONE_PASSWORD=demo-password "$pierone" login 2>&1
echo
echo "\$ ls -l ~/.docker/config.json ~/.dockercfg ~/.config/zign/tokens.yaml"
(cd "$HOME" && ls -l .docker/config.json .dockercfg .config/zign/tokens.yaml |
    awk '{ print $1, $NF }')
run teams
run artifacts stups
run tags stups pierone
run tags stups
run tags -o json stups kio
run tags -o tsv -l 2 fashion
run latest stups pierone
run lat fashion catalog
echo
echo "Any other registry, through the Docker Registry API v2 and its token"
echo "realm (a plain registry on $v2):"
run artifacts --url "$v2" stups
run latest --url "$v2" stups pierone
run latest --digest --url "$v2" stups pierone
echo
echo "\$ pierone artifacts Stups   # a usage error: exit status 2"
status=0
"$pierone" artifacts Stups 2>&1 || status=$?
echo "(exit status $status)"
