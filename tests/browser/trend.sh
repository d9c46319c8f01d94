#!/usr/bin/env bash
# Browser test of the trend report (`kpi trend --format html`): print it with headless
# Chromium to PDF and check what a person would see — one A4 page per subject, Chinese
# text in a CJK font, the line of totals and the shaded band zones. What it needs and
# how it is run: common.sh. Usage: bash tests/browser/trend.sh [PNG-TO-KEEP]
source "$(dirname "$0")/common.sh"

SOURCE_DATE_EPOCH=1795000000 "$KPI_BIN" trend tests/fixtures/year-long.csv \
  --format html --lang zh --output "$work/trend.html"
subjects=$(grep -c '<section class="page">' "$work/trend.html")

"${chrome[@]}" --no-pdf-header-footer --print-to-pdf="$work/trend.pdf" "file://$work/trend.html" 2>/dev/null
"${chrome[@]}" --window-size=900,1300 --screenshot="$work/trend.png" "file://$work/trend.html" 2>/dev/null

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
# The zones' fills are paler than the heat map's cells (which do not count here).
counts=$(page_colours "$work/trend.pdf" 100 8 line=0550ae below=fce8e6 meets=fdf7e1 \
  exceeds=e6f3fb far=e3f6e7)
count() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$counts"; }
check "the line of totals is drawn ($(count line) pixels)" '[ "$(count line)" -gt 150 ]'
check "the band zones are shaded ($counts)" 'for z in below meets exceeds far; do [ "$(count $z)" -gt 300 ] || exit 1; done'
png_bytes=$(stat -c %s "$work/trend.png")
check "a screenshot was taken ($png_bytes bytes)" '[ "$png_bytes" -gt 20000 ]'
if [ -n "${1:-}" ]; then cp "$work/trend.png" "$1"; echo "kept $1"; fi
echo "browser trend: $passed passed, $fail failed"
[ "$fail" -eq 0 ]
