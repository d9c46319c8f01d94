#!/usr/bin/env bash
# Benchmark for `kpi`: throughput against an xsv baseline, every row order, roll-ups,
# check, trend and --explain, linearity at 10× the rows, peak memory and start-up time.
#
#     bash bench/run.sh            # from the repository root (it cds there itself)
#
# One-time work (skipped when already done): builds the generator, writes the data
# files into bench/data/ and installs xsv into bench/.tools/ (both gitignored).
# Knobs (environment): BENCH_RUNS (default 3, best of), BENCH_STARTUP_RUNS (20),
# BENCH_LARGE (1: also the 13.2 M-row files, 670 MB each; 0: skip them),
# BENCH_TIMEOUT (seconds per measured run, default 600; a timed-out run shows exit 124).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export LC_ALL=C CARGO_TERM_COLOR=never

RUNS=${BENCH_RUNS:-3}
STARTUP_RUNS=${BENCH_STARTUP_RUNS:-20}
TIMEOUT=${BENCH_TIMEOUT:-600}
DATA=bench/data
LOGS=$DATA/logs
TOOLS=bench/.tools
TARGET=${CARGO_TARGET_DIR:-target}
KPI=$TARGET/release/kpi
GEN=$TARGET/release/examples/gen_actuals
XSV=$TOOLS/bin/xsv
START_EXAMPLE=examples/monthly-zh.csv

log() { printf '==> %s\n' "$*" >&2; }
# calc FORMAT EXPRESSION: floating-point arithmetic via awk.
calc() { awk "BEGIN { printf \"$1\", ($2) }"; }
if [[ -z ${EPOCHREALTIME:-} ]]; then
    echo "bench/run.sh needs bash 5 or later (for \$EPOCHREALTIME)" >&2
    exit 1
fi

script_t0=$EPOCHREALTIME
mkdir -p "$DATA" "$LOGS" "$TOOLS"

# --- 1. Build -------------------------------------------------------------------------
log "building kpi and the data generator (release)"
cargo build --release --locked
cargo build --release --locked --example gen_actuals
# Measure a private copy, so a concurrent `cargo build` cannot swap the binary mid-run.
mkdir -p "$DATA/bin"
cp -f "$TARGET/release/kpi" "$DATA/bin/kpi"
KPI=$DATA/bin/kpi

# --- 2. Data (only if missing; written to a temporary name, then renamed) -------------
gen() {
    local out=$DATA/$1
    shift
    [[ -s $out ]] && return 0
    log "generating $out"
    "$GEN" "$@" >"$out.tmp"
    mv "$out.tmp" "$out"
}
gen big.csv --subjects 10000 --months 12 --layout long --names zh --seed 1
gen big-wide.csv --subjects 10000 --months 12 --layout wide --names zh --seed 1
gen small.csv --subjects 1000 --months 12 --layout long --names zh --seed 1
# The same rows in the other orders (monthly appends, a shuffle, the reverse), and ten
# times as many (a large company's year), each order too.
for order in period shuffled reverse; do
    gen "big-$order.csv" --subjects 10000 --months 12 --layout long --names zh --seed 1 --order $order
done
if [[ ${BENCH_LARGE:-1} == 1 ]]; then
    for order in subject period shuffled reverse; do
        gen "big10-$order.csv" --subjects 100000 --months 12 --layout long --names zh --seed 1 --order $order
    done
fi

# --- 3. Tools ---------------------------------------------------------------------------
if [[ ! -x $XSV ]]; then
    log "installing xsv into $TOOLS (one time)"
    cargo install xsv --locked --root "$TOOLS"
fi
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time"
    apt-get install -y time || { apt-get update && apt-get install -y time; }
fi

# --- 4. Measure -------------------------------------------------------------------------
declare -A WALL RSS EXIT ROWS BYTES INPUT
CASES=()

rows_of() { echo $(($(wc -l <"$1") - 1)); }
# slug NAME: a file-name-safe form of a case name, for its logs.
slug() { local s=${1//[^A-Za-z0-9.-]/_}; echo "${s//__/_}"; }

# measure NAME INPUT COMMAND...: best (minimum) wall time of RUNS runs, stdout to
# /dev/null, stderr kept in $LOGS/NAME.stderr (last run). Peak RSS is the largest of the
# runs, from GNU time. A failing run is recorded, not fatal.
measure() {
    local name=$1 input=$2
    shift 2
    local i rc t0 t1 w r best="" peak=0 codes="" tag
    tag=$(slug "$name")
    log "measuring $name ($RUNS runs): $*"
    for ((i = 1; i <= RUNS; i++)); do
        rc=0
        t0=$EPOCHREALTIME
        /usr/bin/time -v -o "$LOGS/$tag.time" timeout "$TIMEOUT" "$@" \
            >/dev/null 2>"$LOGS/$tag.stderr" || rc=$?
        t1=$EPOCHREALTIME
        w=$(calc %.6f "$t1 - $t0")
        r=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$LOGS/$tag.time")
        r=${r:-0}
        if [[ -z $best ]] || awk "BEGIN { exit !($w < $best) }"; then best=$w; fi
        ((r > peak)) && peak=$r
        [[ ",$codes," == *",$rc,"* ]] || codes=${codes:+$codes,}$rc
        log "  run $i: $(calc %.3f "$w") s, $((r / 1024)) MiB, exit $rc"
    done
    CASES+=("$name")
    WALL[$name]=$best
    RSS[$name]=$peak
    EXIT[$name]=$codes
    INPUT[$name]=$input
    ROWS[$name]=$(rows_of "$input")
    BYTES[$name]=$(stat -c %s "$input")
}

# Start-up: timed directly (no GNU time/timeout wrappers, which cost about a
# millisecond themselves); one extra run under GNU time for the RSS.
measure_startup() {
    local name=$1 input=$2
    shift 2
    local i rc t0 t1 w best="" codes="" floor="" tag
    tag=$(slug "$name")
    log "measuring $name (best of $STARTUP_RUNS): $*"
    for ((i = 1; i <= STARTUP_RUNS; i++)); do
        rc=0
        t0=$EPOCHREALTIME
        "$@" >/dev/null 2>"$LOGS/$tag.stderr" || rc=$?
        t1=$EPOCHREALTIME
        w=$(calc %.6f "$t1 - $t0")
        if [[ -z $best ]] || awk "BEGIN { exit !($w < $best) }"; then best=$w; fi
        [[ ",$codes," == *",$rc,"* ]] || codes=${codes:+$codes,}$rc
    done
    # The shell's own fork+exec cost, for reading the number above.
    for ((i = 1; i <= STARTUP_RUNS; i++)); do
        t0=$EPOCHREALTIME
        /bin/true
        t1=$EPOCHREALTIME
        w=$(calc %.6f "$t1 - $t0")
        if [[ -z $floor ]] || awk "BEGIN { exit !($w < $floor) }"; then floor=$w; fi
    done
    SPAWN_FLOOR=$floor
    /usr/bin/time -v -o "$LOGS/$tag.time" "$@" >/dev/null 2>/dev/null || true
    CASES+=("$name")
    WALL[$name]=$best
    RSS[$name]=$(awk -F': *' '/Maximum resident set size/ { print $2 }' "$LOGS/$tag.time")
    EXIT[$name]=$codes
    INPUT[$name]=$input
    ROWS[$name]=$(rows_of "$input")
    BYTES[$name]=$(stat -c %s "$input")
}

rustc_busy() { pgrep -x rustc >/dev/null 2>&1 && echo yes || echo no; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
busy_before=$(rustc_busy)
measure_t0=$EPOCHREALTIME

measure "xsv select 1- big.csv" $DATA/big.csv "$XSV" select 1- $DATA/big.csv
measure "kpi score big.csv" $DATA/big.csv "$KPI" score $DATA/big.csv --format csv
measure "kpi score big.csv > out.csv" $DATA/big.csv sh -c "\"$KPI\" score $DATA/big.csv --format csv > $DATA/out.csv"
measure "kpi score big-wide.csv" $DATA/big-wide.csv "$KPI" score $DATA/big-wide.csv --format csv
for order in period shuffled reverse; do
    measure "kpi score big-$order.csv" $DATA/big-$order.csv "$KPI" score $DATA/big-$order.csv --format csv
done
measure "kpi score --period year big.csv" $DATA/big.csv "$KPI" score --period year $DATA/big.csv --format csv
measure "kpi score --period year big-period.csv" $DATA/big-period.csv "$KPI" score --period year $DATA/big-period.csv --format csv
# Year cards carry their months: a format slower to write than CSV holds more of them.
measure "kpi score --period year -f json big.csv" $DATA/big.csv "$KPI" score --period year $DATA/big.csv --format json
measure "kpi score --period year (table) big.csv" $DATA/big.csv "$KPI" score --period year $DATA/big.csv
measure "kpi check big.csv" $DATA/big.csv "$KPI" check $DATA/big.csv
measure "kpi check big-shuffled.csv" $DATA/big-shuffled.csv "$KPI" check $DATA/big-shuffled.csv
measure "kpi trend big.csv" $DATA/big.csv "$KPI" trend -f csv $DATA/big.csv
measure "kpi trend big-period.csv" $DATA/big-period.csv "$KPI" trend -f csv $DATA/big-period.csv
measure "kpi score --explain big.csv" $DATA/big.csv "$KPI" score --explain $DATA/big.csv --format csv
measure "kpi score small.csv" $DATA/small.csv "$KPI" score $DATA/small.csv --format csv
if [[ ${BENCH_LARGE:-1} == 1 ]]; then
    for order in subject period shuffled reverse; do
        measure "kpi score big10-$order.csv" $DATA/big10-$order.csv "$KPI" score $DATA/big10-$order.csv --format csv
    done
    measure "kpi score --period year big10-period.csv" $DATA/big10-period.csv "$KPI" score --period year $DATA/big10-period.csv --format csv
    measure "kpi check big10-shuffled.csv" $DATA/big10-shuffled.csv "$KPI" check $DATA/big10-shuffled.csv
    measure "kpi trend big10-period.csv" $DATA/big10-period.csv "$KPI" trend -f csv $DATA/big10-period.csv
fi
measure_startup "kpi start-up (monthly-zh.csv)" $START_EXAMPLE "$KPI" score $START_EXAMPLE

measure_t1=$EPOCHREALTIME
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
busy_after=$(rustc_busy)

# --- 5. Report --------------------------------------------------------------------------
BASE="xsv select 1- big.csv"
BIG="kpi score big.csv"
WIDE="kpi score big-wide.csv"
YEAR="kpi score --period year big.csv"
SMALL="kpi score small.csv"
START="kpi start-up (monthly-zh.csv)"

echo
echo "## kpi benchmark"
echo
echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' (+ uncommitted changes)'), $(rustc --version), $(nproc) cores, best of $RUNS (start-up: best of $STARTUP_RUNS)"
echo
echo "| case | wall s | rows/s | MB/s | peak RSS MiB | × baseline | exit |"
echo "|---|---:|---:|---:|---:|---:|---|"
for c in "${CASES[@]}"; do
    w=${WALL[$c]}
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$c" \
        "$(calc %.3f "$w")" \
        "$(calc %.0f "${ROWS[$c]} / $w")" \
        "$(calc %.1f "${BYTES[$c]} / 1e6 / $w")" \
        "$(calc %.1f "${RSS[$c]} / 1024")" \
        "$(calc %.2f "$w / ${WALL[$BASE]}")" \
        "${EXIT[$c]}"
done
echo
echo "Standard output goes to /dev/null except in \`> out.csv\`, which writes the 140 MB result to a file (the issue's own command)."
echo "Rows are CSV records: a big-wide.csv row holds all 11 indicators of one subject-month, a long row one value."
echo "Inputs: big.csv $(calc %.1f "${BYTES[$BIG]} / 1e6") MB / ${ROWS[$BIG]} rows; big-wide.csv $(calc %.1f "${BYTES[$WIDE]} / 1e6") MB / ${ROWS[$WIDE]} rows; small.csv $(calc %.1f "${BYTES[$SMALL]} / 1e6") MB / ${ROWS[$SMALL]} rows."

# check LABEL VALUE OP TARGET UNIT CASES...: PASS/FAIL line; flags cases that failed.
check() {
    local label=$1 value=$2 op=$3 target=$4 unit=$5
    shift 5
    local verdict note="" c
    if awk "BEGIN { exit !($value $op $target) }"; then verdict=PASS; else verdict=FAIL; fi
    for c in "$@"; do
        [[ ${EXIT[$c]} == 0 ]] || note="$note; \"$c\" exited ${EXIT[$c]}, so this is not a valid result"
    done
    printf -- '- %s: %s%s (target %s %s%s) — %s%s\n' "$label" "$value" "$unit" "$op" "$target" "$unit" "$verdict" "$note"
}

echo
echo "### Checks"
echo
check "kpi csv / xsv" "$(calc %.2f "${WALL[$BIG]} / ${WALL[$BASE]}")" "<=" 3 "×" "$BIG" "$BASE"
for order in period shuffled reverse; do
    c="kpi score big-$order.csv"
    check "$order order / sorted" "$(calc %.2f "${WALL[$c]} / ${WALL[$BIG]}")" "<=" 2 "×" "$c" "$BIG"
done
check "check / score, sorted" "$(calc %.2f "${WALL[kpi check big.csv]} / ${WALL[$BIG]}")" "<=" 1.5 "×" "kpi check big.csv" "$BIG"
check "period year / monthly" "$(calc %.2f "${WALL[$YEAR]} / ${WALL[$BIG]}")" "<=" 2 "×" "$YEAR" "$BIG"
for c in "$BIG" "kpi score big.csv > out.csv" "$WIDE" "kpi score big-period.csv" "kpi score big-shuffled.csv" \
    "kpi score big-reverse.csv" "$YEAR" "kpi score --period year big-period.csv" \
    "kpi score --period year -f json big.csv" "kpi score --period year (table) big.csv" "kpi check big.csv" \
    "kpi check big-shuffled.csv" "kpi trend big.csv" "kpi trend big-period.csv" "kpi score --explain big.csv"; do
    check "peak RSS $c" "$(calc %.1f "${RSS[$c]} / 1024")" "<=" 64 " MiB" "$c"
done
if [[ ${BENCH_LARGE:-1} == 1 ]]; then
    for order in subject period shuffled reverse; do
        c="kpi score big10-$order.csv"
        small="kpi score big.csv"
        [[ $order == subject ]] || small="kpi score big-$order.csv"
        check "10× rows, $order order: time" "$(calc %.2f "${WALL[$c]} / ${WALL[$small]}")" "<=" 11 "×" "$c" "$small"
        check "peak RSS $c" "$(calc %.1f "${RSS[$c]} / 1024")" "<=" 96 " MiB" "$c"
    done
    for c in "kpi score --period year big10-period.csv" "kpi check big10-shuffled.csv" "kpi trend big10-period.csv"; do
        check "peak RSS $c" "$(calc %.1f "${RSS[$c]} / 1024")" "<=" 96 " MiB" "$c"
    done
fi
check "big / small time (10× rows)" "$(calc %.2f "${WALL[$BIG]} / ${WALL[$SMALL]}")" "<=" 11 "×" "$BIG" "$SMALL"
check "start-up" "$(calc %.2f "${WALL[$START]} * 1000")" "<" 5 " ms" "$START"
echo "  (start-up includes the shell's fork+exec, about $(calc %.2f "$SPAWN_FLOOR * 1000") ms for /bin/true here)"

failed=()
for c in "${CASES[@]}"; do [[ ${EXIT[$c]} == 0 ]] || failed+=("$c"); done
if ((${#failed[@]})); then
    echo
    echo "### Non-zero exits (first lines of stderr, full text in $LOGS/)"
    for c in "${failed[@]}"; do
        echo
        echo "- $c (exit ${EXIT[$c]}):"
        head -n 5 "$LOGS/$(slug "$c").stderr" | sed 's/^/      /'
    done
fi

echo
noisy=no
[[ $busy_before == no && $busy_after == no ]] || noisy=yes
awk "BEGIN { exit !(${load_before%% *} > $(nproc) / 2 || ${load_after%% *} > $(nproc) / 2) }" && noisy=yes
echo "Load average before/after measuring: $load_before / $load_after; rustc running before/after: $busy_before / $busy_after$([[ $noisy == no ]] || echo ' — the machine was busy, numbers may be noisy')."

# --- paired, alternating runs (farm-bench, where this machine has it) -------------------
# The ratios that the bounds are about, as medians of pairs run in turn (A B A B …), so
# that a drift in the machine's speed moves both sides of each pair.
if command -v farm-bench >/dev/null 2>&1; then
    echo
    echo "### Paired runs (farm-bench --vs, medians of 7 pairs unless said)"
    pair() {
        local label=$1 a=$2 b=$3 n=${4:-7}
        echo
        echo "$label"
        echo '```'
        farm-bench -n "$n" --timeout 600 --vs "sh -c 'exec $b > /dev/null'" -- sh -c "exec $a > /dev/null" 2>&1 |
            grep -E '^(A|B) (wall|peak)|^A/B wall' || true
        echo '```'
    }
    # 15 pairs: a pair takes about a second, and xsv alone swings 2x with the machine.
    pair "kpi score big.csv (A) against xsv select (B), 15 pairs" "$KPI score --format csv $DATA/big.csv" "$XSV select 1- $DATA/big.csv" 15
    for order in period shuffled reverse; do
        pair "big-$order.csv (A) against big.csv (B)" "$KPI score --format csv $DATA/big-$order.csv" "$KPI score --format csv $DATA/big.csv"
    done
    pair "kpi check (A) against kpi score (B), big.csv" "$KPI check $DATA/big.csv" "$KPI score --format csv $DATA/big.csv"
    if [[ ${BENCH_LARGE:-1} == 1 ]]; then
        # 10x the rows against the same order at 1x: 5 pairs each, about 3 minutes.
        for order in subject period shuffled reverse; do
            small=$DATA/big-$order.csv
            [[ $order == subject ]] && small=$DATA/big.csv
            pair "big10-$order.csv (A) against ${small##*/} (B), 5 pairs" "$KPI score --format csv $DATA/big10-$order.csv" "$KPI score --format csv $small" 5
        done
    fi
fi

# --- hyperfine (only if already installed) --------------------------------------------
if command -v hyperfine >/dev/null 2>&1; then
    echo
    echo "### hyperfine"
    echo
    echo '```'
    hyperfine --warmup 1 --runs 5 -i \
        "$XSV select 1- $DATA/big.csv" \
        "$KPI score $DATA/big.csv --format csv" || true
    echo '```'
fi

echo
echo "Measuring took $(calc %.0f "$measure_t1 - $measure_t0") s; the whole script $(calc %.0f "$EPOCHREALTIME - $script_t0") s."
