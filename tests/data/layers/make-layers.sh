#!/bin/sh
# Remake the layer fixtures of the inspect-contents tests (GNU tar, gzip).
# Reproducible: fixed mtimes, owner and order, and gzip -n (no name or
# time in the gzip header).  After running it, update "layer_digests" in
# tests/data/layers.json with: sha256sum *.tar.gz
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mk() {	# mk NAME MTIME DIR
	tar -C "$tmp/$3" --sort=name --owner=0 --group=0 --numeric-owner \
	    --mtime="$2" -cf - . | gzip -n -9 > "$1"
}
# base: a directory with two files
mkdir -p "$tmp/base/etc" "$tmp/base/bin"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$tmp/base/etc/passwd"
printf '#!/bin/sh\necho hello\n' > "$tmp/base/bin/hello"
chmod 644 "$tmp/base/etc/passwd"; chmod 755 "$tmp/base/bin/hello" \
    "$tmp/base/etc" "$tmp/base/bin" "$tmp/base"
mk base.tar.gz 2015-05-07T15:00:00Z base
# app: one directory with one file
mkdir -p "$tmp/app/app"
printf 'print("hi")\n' > "$tmp/app/app/main.py"
chmod 644 "$tmp/app/app/main.py"; chmod 755 "$tmp/app/app" "$tmp/app"
mk app.tar.gz 2016-01-02T08:00:00Z app
# empty: a layer without files (tar of nothing)
mkdir -p "$tmp/empty"
tar -C "$tmp/empty" --owner=0 --group=0 --mtime=2016-01-02T08:00:00Z \
    -cf - --files-from /dev/null | gzip -n -9 > empty.tar.gz
# corrupt: a gzip header, then garbage
printf '\037\213\010\000\000\000\000\000\000\003this is not deflate data' \
    > corrupt.tar.gz
