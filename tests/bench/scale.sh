# shellcheck shell=sh
# shellcheck disable=SC2154,SC2034 # bench.sh's variables and functions
# SPDX-License-Identifier: Apache-2.0
#
# tests/bench/scale.sh, sourced by tests/bench.sh (whose functions and
# variables it uses): 'pierone tags' of a team of 200 and of 2000
# artifacts of 5 tags each on the fake registry (no latency), the default
# text table.  Time, peak RSS and the bytes printed of both, and the
# memory it grows by per byte of output it grows by: the target is that
# memory grows no faster than the data printed (at most 1 byte per byte).
# Peak RSS here is the median of 7 runs, not the largest: one run's peak
# moves by up to ±150 KiB with the connections and buffers of the moment,
# as much as the rows of a few hundred artifacts take.

s_tags200() { PIERONE_URL=$scale_url "$pierone" tags scale200; }
s_tags2000() { PIERONE_URL=$scale_url "$pierone" tags scale2000; }

# scale_one N RUNS: checks, times and measures 'tags scaleN'; the figures
# in $ms_a, $mib, $kib and $bytes.
scale_one() {
	check "s_tags$1"
	expect "the lines of pierone tags scale$1" $(($1 * 3 + 1)) \
	    "$(printf '%s\n' "$out" | wc -l | tr -d ' ')"
	"s_tags$1" >"$tmp/scale.out"
	bytes=$(wc -c <"$tmp/scale.out" | tr -d ' ')
	wall "scale$1" "s_tags$1" "$2" - 0 checked
	rss 7 env PIERONE_URL="$scale_url" "$pierone" tags "scale$1"
	kib=$(sort -n "$tmp/rss" | awk '{ v[NR] = $1 } END { print v[4] }')
	mib=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
	    "tags scale$1 ($1 artifacts × 5 tags)" "$2" "$(ms "$ms_a")" \
	    "$(mb "$mib")" "$bytes bytes" "" "" >>"$scale_rows"
}

echo "bench: scale..." >&2
start scale --gen scale200:200:5 --gen scale2000:2000:5
scale_url="http://127.0.0.1:$port"
scale_rows=$tmp/scale.rows
: >"$scale_rows"
scale_one 200 5
kib200=$kib bytes200=$bytes
scale_one 2000 3
growth=$(awk -v k1="$kib200" -v k2="$kib" -v b1="$bytes200" -v b2="$bytes" \
    'BEGIN { printf "%.2f", (k2 - k1) * 1024 / (b2 - b1) }')
missed=""
le "$growth" 1 || miss "memory"
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "200 → 2000 artifacts: growth" "" "" \
    "+$(awk -v a="$kib200" -v b="$kib" 'BEGIN { printf "%.1f", (b - a) / 1024 }') MiB" \
    "+$((bytes - bytes200)) bytes" "$growth (target ≤ 1)" "$(verdict)" \
    >>"$scale_rows"
echo
echo "Scale: pierone tags on the fake registry, no latency, text output"
echo
table "2 3 4 5" "$scale_rows" <<EOF
scenario	runs	pierone	peak RSS	output	RSS / output growth	verdict
EOF
