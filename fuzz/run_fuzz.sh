#!/bin/sh
# Runs each fuzz target for SECONDS (default 600) in turn, niced; logs to fuzz/logs/TARGET.log.
# usage: fuzz/run_fuzz.sh [SECONDS] [TARGET...]
cd "$(dirname "$0")" || exit 1
secs=${1:-600}
shift 2>/dev/null
targets=${*:-"quantity_strings run_table_csv curve_csv json sweep_csv"}
mkdir -p logs
for t in $targets; do
  mkdir -p "corpus/$t"
  nice -n 10 cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -max_len=4096 -rss_limit_mb=1024 > "logs/$t.log" 2>&1
  echo "$t exit $?" >> logs/summary.txt
done
