# What the browser tests share (sourced by run.sh and trend.sh): the programs they
# need, the binary, a work folder, headless Chromium, and the check counter.
# Needs chromium, a Noto Sans CJK font and poppler-utils (`.ci/run` installs them); run
# by `cargo test -- --include-ignored` (tests/cli/browser.rs), which names the binary in
# $KPI_BIN. Run by hand, it asks cargo where the binary is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# No pipes into `grep -q` here: under pipefail, the writer's SIGPIPE would fail the test.
fonts=$(fc-list : family 2>/dev/null || true)
grep -qi "Noto Sans CJK" <<<"$fonts" || missing+=(fonts-noto-cjk)
command -v pdfinfo >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "the browser test needs Debian's ${missing[*]} (apt-get install ${missing[*]})" >&2
  exit 1
fi

if [ -z "${KPI_BIN:-}" ]; then
  cargo build --quiet --locked
  target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  KPI_BIN="$target_dir/debug/kpi"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$work/profile")

passed=0
fail=0
check() { if eval "$2"; then echo "ok: $1"; passed=$((passed + 1)); else echo "FAILED: $1"; fail=$((fail + 1)); fi; }

# Pixels of page 1 of PDF $1, rendered at $2 dpi, near each NAME=RRGGBB (within $3).
page_colours() {
  local pdf=$1 dpi=$2 tolerance=$3
  shift 3
  pdftoppm -r "$dpi" -f 1 -l 1 "$pdf" "$work/page"
  python3 tests/browser/ppm.py "$work"/page*.ppm "$tolerance" "$@"
  rm -f "$work"/page*.ppm
}
