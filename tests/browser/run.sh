#!/usr/bin/env bash
# Browser test of the HTML report: render it in headless Chromium, print it to PDF and
# to a PNG screenshot, and check what a person would see — one A4 page per scorecard,
# the chart, Chinese text in a CJK font. Needs chromium, a Noto Sans CJK font and
# poppler-utils (`.ci/run` installs them); run by `cargo test -- --include-ignored`
# (tests/cli/browser.rs), which names the binary in $KPI_BIN. Run by hand, it asks
# cargo where the binary is. Usage: bash tests/browser/run.sh [PNG-TO-KEEP]
set -euo pipefail
cd "$(dirname "$0")/../.."

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
SOURCE_DATE_EPOCH=1795000000 "$KPI_BIN" score examples/monthly-gb18030.csv \
  --format html --lang zh --output "$work/report.html"
cards=$(grep -c '<section class="page">' "$work/report.html")

chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$work/profile")
"${chrome[@]}" --no-pdf-header-footer --print-to-pdf="$work/report.pdf" "file://$work/report.html" 2>/dev/null
"${chrome[@]}" --window-size=900,1300 --screenshot="$work/report.png" "file://$work/report.html" 2>/dev/null

passed=0
fail=0
check() { if eval "$2"; then echo "ok: $1"; passed=$((passed + 1)); else echo "FAILED: $1"; fail=$((fail + 1)); fi; }
pages=$(pdfinfo "$work/report.pdf" | awk '/^Pages:/ {print $2}')
size=$(pdfinfo "$work/report.pdf" | awk '/^Page size:/ {print $3 "x" $5}')
check "PDF has one page per scorecard ($pages pages, $cards scorecards)" '[ "$pages" = "$cards" ]'
check "pages are A4 ($size pt, A4 is 595.28x841.89)" 'awk -F x "{ exit !(\$1 > 594 && \$1 < 597 && \$2 > 840 && \$2 < 843) }" <<<"$size"'
text=$(pdftotext -layout "$work/report.pdf" -)
check "Chinese text is in the PDF" 'grep -q "服务费用率" <<<"$text" && grep -q "华东办事处" <<<"$text"'
check "the chart's band lines are labelled" 'grep -q "绩效分档线" <<<"$text"'
matched=$(fc-match -f "%{family}" "Noto Sans CJK SC")
check "the report's CJK font is the one Chromium finds ($matched)" 'grep -qi "cjk" <<<"$matched"'
# The chart's bars, counted in a rendering of page 1: pixels in the bar colours (the
# table's band fills are much lighter), read from a PPM with the standard library only.
pdftoppm -r 60 -f 1 -l 1 "$work/report.pdf" "$work/page"
bars=$(python3 - "$work"/page*.ppm <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
fields, pos = [], 0
while len(fields) < 4:  # magic, width, height, maxval, skipping comments
    while data[pos:pos + 1].isspace():
        pos += 1
    if data[pos:pos + 1] == b"#":
        pos = data.index(b"\n", pos)
        continue
    end = pos
    while not data[end:end + 1].isspace():
        end += 1
    fields.append(data[pos:end])
    pos = end
pixels = data[pos + 1:]
colours = [(0x2d, 0xa4, 0x4e), (0x21, 0x8b, 0xff), (0xd4, 0xa7, 0x2c), (0xcf, 0x22, 0x2e)]
near = lambda p, c: all(abs(a - b) < 24 for a, b in zip(p, c))
print(sum(1 for i in range(0, len(pixels) - 2, 3) if any(near(pixels[i:i + 3], c) for c in colours)))
PY
)
check "the chart's bars are drawn ($bars pixels in bar colours)" '[ "$bars" -gt 500 ]'
png_bytes=$(stat -c %s "$work/report.png")
check "a screenshot was taken ($png_bytes bytes)" '[ "$png_bytes" -gt 20000 ]'
# kpi rank's report: one A4 page per period, with its histogram and distribution.
SOURCE_DATE_EPOCH=1795000000 "$KPI_BIN" rank examples/offices-quarters.csv \
  --grades A:20,B:70,C:10 --lang zh --output "$work/rank.html"
periods=$(grep -c '<section class="page">' "$work/rank.html")
"${chrome[@]}" --no-pdf-header-footer --print-to-pdf="$work/rank.pdf" "file://$work/rank.html" 2>/dev/null
rank_pages=$(pdfinfo "$work/rank.pdf" | awk '/^Pages:/ {print $2}')
check "the rank report has one page per period ($rank_pages pages, $periods periods)" '[ "$rank_pages" = "$periods" ]'
rank_text=$(pdftotext -layout "$work/rank.pdf" -)
check "the rank report shows the histogram, the table and the distribution" \
  'grep -q "绩效分档线" <<<"$rank_text" && grep -q "华东办事处" <<<"$rank_text" && grep -q "上四分位" <<<"$rank_text"'
if [ -n "${1:-}" ]; then cp "$work/report.png" "$1"; echo "kept $1"; fi
echo "browser: $passed passed, $fail failed"
[ "$fail" -eq 0 ]
