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

cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"$fake" --data "$data" --token demo-token --port-file "$tmp/port" \
    >/dev/null 2>"$tmp/fake.log" &
pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "demo: the fake registry did not start:" >&2
		cat "$tmp/fake.log" >&2
		exit 1
	fi
	sleep 0.05
done
port=$(cat "$tmp/port")

# A throwaway home: none of the user's files are read or written.
export HOME="$tmp/home"
unset XDG_CONFIG_HOME CREDENTIALS_DIR OAUTH2_ACCESS_TOKENS PIERONE_URL \
    PIERONE_TIMEOUT PIERONE_CONNECT_TIMEOUT PIERONE_CA_BUNDLE
mkdir -p "$HOME/.config/pierone" "$HOME/.config/zign"
chmod 700 "$HOME/.config/zign"
printf 'url: http://127.0.0.1:%s\n' "$port" >"$HOME/.config/pierone/pierone.yaml"
# A token as zign caches it, valid for an hour.
cat >"$HOME/.config/zign/tokens.yaml" <<EOT
pierone:
  access_token: demo-token
  creation_time: $(date +%s)
  expires_in: 3600
  token_type: Bearer
EOT
chmod 600 "$HOME/.config/zign/tokens.yaml"

echo "Fake Pier One registry on http://127.0.0.1:$port (HOME=$HOME)"
echo "pierone.yaml sets the URL; the token comes from the zign cache."
run() {
	echo
	echo "\$ pierone $*"
	"$pierone" "$@"
}
run --version
run teams
run artifacts stups
run tags stups pierone
run tags stups
run tags -o json stups kio
run tags -o tsv -l 2 fashion
run latest stups pierone
run lat fashion catalog
echo
echo "\$ pierone artifacts Stups   # a usage error: exit status 2"
status=0
"$pierone" artifacts Stups 2>&1 || status=$?
echo "(exit status $status)"
