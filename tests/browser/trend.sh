#!/usr/bin/env bash
# Browser test of the trend report (`kpi trend --format html`): print it with headless
# Chromium to PDF and check what a person would see — one A4 page per subject, Chinese
# text in a CJK font, the line of totals and the shaded band zones. Needs what
# run.sh needs (chromium, a Noto Sans CJK font, poppler-utils); run by `cargo test --
# --include-ignored` (tests/cli/browser.rs) with the binary in $KPI_BIN. Run by hand,
# it asks cargo where the binary is. Usage: bash tests/browser/trend.sh [PNG-TO-KEEP]
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
SOURCE_DATE_EPOCH=1795000000 "$KPI_BIN" trend tests/fixtures/year-long.csv \
  --format html --lang zh --output "$work/trend.html"
subjects=$(grep -c '<section class="page">' "$work/trend.html")

chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$work/profile")
"${chrome[@]}" --no-pdf-header-footer --print-to-pdf="$work/trend.pdf" "file://$work/trend.html" 2>/dev/null
"${chrome[@]}" --window-size=900,1300 --screenshot="$work/trend.png" "file://$work/trend.html" 2>/dev/null

passed=0
fail=0
check() { if eval "$2"; then echo "ok: $1"; passed=$((passed + 1)); else echo "FAILED: $1"; fail=$((fail + 1)); fi; }
pages=$(pdfinfo "$work/trend.pdf" | awk '/^Pages:/ {print $2}')
size=$(pdfinfo "$work/trend.pdf" | awk '/^Page size:/ {print $3 "x" $5}')
check "PDF has one page per subject ($pages pages, $subjects subjects)" '[ "$subjects" = 3 ] && [ "$pages" = "$subjects" ]'
check "pages are A4 ($size pt, A4 is 595.28x841.89)" 'awk -F x "{ exit !(\$1 > 594 && \$1 < 597 && \$2 > 840 && \$2 < 843) }" <<<"$size"'
text=$(pdftotext -layout "$work/trend.pdf" -)
check "Chinese text is in the PDF" 'grep -q "服务费用率" <<<"$text" && grep -q "各期总分" <<<"$text"'
check "every subject has its page" 'for s in office-000000 office-000001 office-000002; do grep -q "$s" <<<"$text" || exit 1; done'
last=$(pdftotext -f 3 -l 3 -layout "$work/trend.pdf" -)
check "the last page is the last subject's" 'grep -q "office-000002" <<<"$last" && ! grep -q "office-000001" <<<"$last"'
# The chart, in a rendering of page 1: pixels of the line's colour and of each band
# zone's fill, read from a PPM with the standard library only.
pdftoppm -r 100 -f 1 -l 1 "$work/trend.pdf" "$work/page"
counts=$(python3 - "$work"/page*.ppm <<'PY'
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
near = lambda p, c: all(abs(a - b) < 8 for a, b in zip(p, c))
colours = {
    "line": (0x05, 0x50, 0xae),
    # The zones' fills, paler than the heat map's cells (which do not count here).
    "below": (0xfc, 0xe8, 0xe6),
    "meets": (0xfd, 0xf7, 0xe1),
    "exceeds": (0xe6, 0xf3, 0xfb),
    "far": (0xe3, 0xf6, 0xe7),
}
counts = dict.fromkeys(colours, 0)
for i in range(0, len(pixels) - 2, 3):
    p = pixels[i:i + 3]
    for name, c in colours.items():
        if near(p, c):
            counts[name] += 1
print(" ".join(f"{name}={n}" for name, n in counts.items()))
PY
)
count() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$counts"; }
check "the line of totals is drawn ($(count line) pixels)" '[ "$(count line)" -gt 150 ]'
check "the band zones are shaded ($counts)" 'for z in below meets exceeds far; do [ "$(count $z)" -gt 300 ] || exit 1; done'
png_bytes=$(stat -c %s "$work/trend.png")
check "a screenshot was taken ($png_bytes bytes)" '[ "$png_bytes" -gt 20000 ]'
if [ -n "${1:-}" ]; then cp "$work/trend.png" "$1"; echo "kept $1"; fi
echo "browser trend: $passed passed, $fail failed"
[ "$fail" -eq 0 ]
