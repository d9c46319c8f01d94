#!/usr/bin/env bash
# Browser test of the HTML report: render it in headless Chromium, print it to PDF and
# to a PNG screenshot, and check what a person would see — one A4 page per scorecard,
# the chart, Chinese text in a CJK font. Installs Debian's chromium, fonts-noto-cjk and
# poppler-utils when they are missing. Usage: bash tests/browser/run.sh [PNG-TO-KEEP]
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cargo build --quiet --locked
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SOURCE_DATE_EPOCH=1795000000 target/debug/kpi score examples/monthly-gb18030.csv \
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
check "the report's CJK font is the one Chromium finds ($(fc-match -f %{family[0]} "Noto Sans CJK SC"))" 'fc-match -f "%{family}" "Noto Sans CJK SC" | grep -qi "cjk"'
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
if [ -n "${1:-}" ]; then cp "$work/report.png" "$1"; echo "kept $1"; fi
echo "browser: $passed passed, $fail failed"
[ "$fail" -eq 0 ]
