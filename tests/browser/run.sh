#!/usr/bin/env bash
# Browser test of the HTML reports: render the score report in headless Chromium, print
# it to PDF and to a PNG screenshot, and check what a person would see — one A4 page
# per scorecard, the chart, Chinese text in a CJK font; then kpi rank's report. What it
# needs and how it is run: common.sh. Usage: bash tests/browser/run.sh [PNG-TO-KEEP]
source "$(dirname "$0")/common.sh"

SOURCE_DATE_EPOCH=1795000000 "$KPI_BIN" score examples/monthly-gb18030.csv \
  --format html --lang zh --output "$work/report.html"
cards=$(grep -c '<section class="page">' "$work/report.html")

"${chrome[@]}" --no-pdf-header-footer --print-to-pdf="$work/report.pdf" "file://$work/report.html" 2>/dev/null
"${chrome[@]}" --window-size=900,1300 --screenshot="$work/report.png" "file://$work/report.html" 2>/dev/null

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
bars=$(page_colours "$work/report.pdf" 60 24 green=2da44e blue=218bff gold=d4a72c red=cf222e |
  awk '{ n = 0; for (i = 1; i <= NF; i++) { split($i, kv, "="); n += kv[2] } print n }')
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
