#!/bin/sh
# Build the libFuzzer targets of tests/fuzz (each tests/fuzz/TARGET.c with
# tests/fuzz/common.c, their shared helpers) and run each for SECONDS.
#
#   sh tests/fuzz/run.sh [SECONDS]       (default 60, or $FUZZ_SECONDS)
#
# Everything goes to build/fuzz/: the binaries, the library compiled with
# the same sanitizers, a scratch copy of each seed corpus (the committed
# one under tests/fuzz/corpus/ is never touched), the logs, and in
# crashes/ the reproducer of anything that fails.  Saved reproducers in
# tests/fuzz/crashes/TARGET-*.bin are replayed first (with
# FUZZ_STRICT_YAML=1), as regression tests: a target whose reproducer
# still fails counts as crashed.
#
# Environment: FUZZ_SECONDS, FUZZ_RUNS (a fixed number of runs from seed
# FUZZ_SEED, default 1, instead of a time), FUZZ_TARGETS (names, default all), FUZZ_MAX_LEN
# (65536), CC (a clang; default clang, else clang-14), FUZZ_CFLAGS (added).
# Exit status: 0 when every target ran clean, 1 when one crashed, 2 when
# the build failed.
set -u

cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
SECONDS_EACH=${1:-${FUZZ_SECONDS:-60}}
MAX_LEN=${FUZZ_MAX_LEN:-65536}
TARGETS=${FUZZ_TARGETS:-"fuzz_tags fuzz_time fuzz_config fuzz_tokencache fuzz_dockercfg fuzz_registry"}
OUT=$ROOT/build/fuzz
PKG_CONFIG=${PKG_CONFIG:-pkg-config}

case $SECONDS_EACH in
''|*[!0-9]*) echo "run.sh: SECONDS must be a number, not '$SECONDS_EACH'" >&2; exit 2;;
esac

# --- a clang that can build fuzzers --------------------------------------

probe() {
	mkdir -p "$OUT" &&
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
	    > "$OUT/probe.c" &&
	"$1" -fsanitize=fuzzer,address,undefined -o "$OUT/probe" \
	    "$OUT/probe.c" >/dev/null 2>&1
}

find_cc() {
	for c in ${CC:+"$CC"} clang clang-14; do
		if command -v "$c" >/dev/null 2>&1 && probe "$c"; then
			FCC=$c
			return 0
		fi
	done
	return 1
}

if ! find_cc; then
	echo "run.sh: no clang with -fsanitize=fuzzer found;" \
	    "installing clang-14 and libclang-rt-14-dev with apt-get" >&2
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq &&
	    $SUDO apt-get install -y -qq clang-14 libclang-rt-14-dev >&2
	if ! find_cc; then
		echo "run.sh: still no working clang -fsanitize=fuzzer" >&2
		exit 2
	fi
fi

for p in libcjson yaml-0.1 libbsd-overlay libmd libcurl libarchive; do
	if ! $PKG_CONFIG --exists $p; then
		echo "run.sh: $p not found by $PKG_CONFIG; run 'make deps'" >&2
		exit 2
	fi
done

# --- build ------------------------------------------------------------------

SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
CFLAGS_F="$SAN -g -O1 -fno-omit-frame-pointer -std=c11 -D_GNU_SOURCE -Ilib \
    -Wall -Wextra -Wno-unused-parameter \
    $($PKG_CONFIG --cflags libcjson yaml-0.1 libbsd-overlay libmd libarchive) \
    $($PKG_CONFIG --cflags libcurl) ${FUZZ_CFLAGS:-}"
LIBS_F="$($PKG_CONFIG --libs libcurl libcjson yaml-0.1 libbsd-overlay libmd libarchive) -lm"

mkdir -p "$OUT/obj" "$OUT/crashes" "$OUT/logs" || exit 2
echo "building with $FCC into build/fuzz/"
OBJS=
# always all of lib/: it is edited while this runs, and it takes seconds
rm -f "$OUT"/obj/*.o
for src in lib/*.c; do
	obj=$OUT/obj/$(basename "$src" .c).o
	OBJS="$OBJS $obj"
	# shellcheck disable=SC2086
	if ! $FCC $CFLAGS_F -c -o "$obj" "$src"; then
		echo "run.sh: cannot compile $src" >&2
		exit 2
	fi
done
for t in $TARGETS; do
	if [ ! -f "tests/fuzz/$t.c" ]; then
		echo "run.sh: no target tests/fuzz/$t.c" >&2
		exit 2
	fi
	# shellcheck disable=SC2086
	if ! $FCC $CFLAGS_F -o "$OUT/$t" "tests/fuzz/$t.c" \
	    tests/fuzz/common.c $OBJS $LIBS_F; then
		echo "run.sh: cannot build $t" >&2
		exit 2
	fi
done

# --- run --------------------------------------------------------------------

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# the targets' files (tmpfs when there is one); removed even after a crash
SCRATCH=$(mktemp -d /dev/shm/pierone-fuzz-run.XXXXXX 2>/dev/null ||
    mktemp -d "${TMPDIR:-/tmp}/pierone-fuzz-run.XXXXXX") || exit 2
trap 'rm -rf "$SCRATCH"' EXIT
trap 'exit 130' INT TERM
export FUZZ_TMPDIR="$SCRATCH"

# the first line saying what went wrong, for the summary
FAILURE='ERROR: (Address|Leak)Sanitizer|runtime error:|invariant failed|^fuzz_[a-z]+: |deadly signal|ERROR: libFuzzer'

status=0
summary=
for t in $TARGETS; do
	log=$OUT/logs/$t.log
	: > "$log"
	result=ok
	crash=
	crashlog=$log

	# saved reproducers first: they must not fail any more
	regs=$(ls tests/fuzz/crashes/"$t"-*.bin 2>/dev/null)
	if [ -n "$regs" ]; then
		# shellcheck disable=SC2086
		if ! FUZZ_STRICT_YAML=1 "$OUT/$t" -timeout=10 -rss_limit_mb=2048 $regs \
		    >"$OUT/logs/$t.regress.log" 2>&1; then
			result=CRASH
			crash=$(sed -n 's/^Running: //p' \
			    "$OUT/logs/$t.regress.log" | tail -n 1)
			[ -f "$crash" ] && cp "$crash" "$OUT/crashes/" &&
			    crash=$OUT/crashes/$(basename "$crash")
			crashlog=$OUT/logs/$t.regress.log
			echo "$t: a saved reproducer still fails: $crash"
		fi
	fi

	# a fresh scratch copy of the seeds: the fuzzer adds to it
	corpus=$OUT/corpus/$t
	rm -rf "$corpus"
	mkdir -p "$corpus"
	if [ -d "tests/fuzz/corpus/$t" ]; then
		cp tests/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null
	fi

	# FUZZ_RUNS: a fixed number of inputs from a fixed seed, the same
	# every time (CI's smoke run); else SECONDS_EACH of fresh fuzzing.
	if [ -n "${FUZZ_RUNS:-}" ]; then
		budget="-runs=$FUZZ_RUNS -seed=${FUZZ_SEED:-1}"
	else
		budget="-max_total_time=$SECONDS_EACH"
	fi
	# shellcheck disable=SC2086
	"$OUT/$t" $budget -max_len="$MAX_LEN" \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$OUT/crashes/$t-" "$corpus" >"$log" 2>&1
	rc=$?

	# "Done N runs in S second(s)" at a normal end; the -print_final_stats
	# lines also after a crash; "corp: K/..." in the status lines
	done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1)
	execs=$(echo "$done_line" | sed -n 's/^Done \([0-9]*\) runs.*/\1/p')
	secs=$(echo "$done_line" | sed -n 's/.* runs in \([0-9]*\) second.*/\1/p')
	[ -n "$execs" ] || execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	if [ -n "$secs" ] && [ "$secs" -gt 0 ]; then
		speed=$((execs / secs))
	else
		speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	fi
	units=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' "$log" | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		result=CRASH
		crashlog=$log
		crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		[ -n "$crash" ] || crash="(no reproducer written; see $log)"
	fi
	line="$t: ${execs:-0} execs, ${speed:-0} exec/s, corpus ${units:-0}, result $result"
	echo "$line"
	summary="$summary$line
"
	if [ "$result" = CRASH ]; then
		status=1
		echo "  crash input: $crash"
		echo "  log: $crashlog"
		grep -m 1 -E "$FAILURE" "$crashlog" | sed 's/^/  /'
	fi
done

printf '\n%s' "$summary"
[ "$status" -eq 0 ] && echo "all fuzz targets ok" || echo "fuzzing found crashes (reproducers in build/fuzz/crashes/)"
exit "$status"
