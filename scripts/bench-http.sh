#!/usr/bin/env bash
# Warm storefront price requests against two references answering the same document, side by side
# in one run: a minimal axum JSON endpoint (`json`, the budget's reference) and the document's bytes
# served as they are (`static`). wrk --latency, same threads/connections/duration, rounds cycling
# gridprice/json/static. Prints a markdown table. See docs/PERFORMANCE.md ("Storefront price
# requests over HTTP").
#
# Settings (environment): ROUNDS=3 DURATION=10s CONNECTIONS=50 THREADS=2
#   APP_PORT=18080 SIM_PORT=19292 REF_PORT=18081 (json; static on the next port)
#   CARGO_TARGET_DIR=target
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10s} CONNECTIONS=${CONNECTIONS:-50} THREADS=${THREADS:-2}
APP_PORT=${APP_PORT:-18080} SIM_PORT=${SIM_PORT:-19292} REF_PORT=${REF_PORT:-18081}
BIN=${CARGO_TARGET_DIR:-target}/release

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --quiet -p gridprice --bin gridprice --example bench_reference

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# Waits (at most 60 s) for a line starting with $2 in the log $1 and prints it.
wait_for() {
  for _ in $(seq 600); do
    if grep -m1 "^$2" "$1"; then return; fi
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1:" >&2 && cat "$1" >&2 && exit 1
}

# 1. `gridprice dev` installs the demo shop through OAuth and seeds its catalogue and key.
"$BIN/gridprice" dev --port "$APP_PORT" --shopify-port "$SIM_PORT" --data-dir "$WORK/data" \
  >"$WORK/dev.log" 2>&1 &
DEV=$!
PIDS+=("$DEV")
READY=$(wait_for "$WORK/dev.log" "ready ")
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$READY"; }
KEY=$(field storefrontApiKey) PRODUCT=$(field demoProductId)
kill "$DEV" && wait "$DEV" || true

# 2. `gridprice serve` on that database: `dev` keeps the default rate limits (20/s per IP), so the
#    load test raises them through serve's configuration.
GRIDPRICE_BIND=127.0.0.1:$APP_PORT GRIDPRICE_DATA_DIR=$WORK/data \
  GRIDPRICE_ENCRYPTION_KEY=$(cat "$WORK/data/encryption.key") \
  SHOPIFY_API_KEY=$(field appApiKey) SHOPIFY_API_SECRET=$(field appApiSecret) \
  SHOPIFY_APP_URL=http://127.0.0.1:$APP_PORT \
  SHOPIFY_SHOP_URL_TEMPLATE="http://127.0.0.1:$SIM_PORT/store/{shop}" \
  GRIDPRICE_RATE_LIMIT_PER_KEY=1000000000,1000000000 \
  GRIDPRICE_RATE_LIMIT_PER_IP=1000000000,1000000000 \
  "$BIN/gridprice" serve >"$WORK/serve.log" 2>&1 &
APP_PID=$!
PIDS+=("$APP_PID")
PATH_Q="/api/v1/products/$PRODUCT/price?width=450&height=250&quantity=2"
for _ in $(seq 100); do
  curl -fsS -o "$WORK/price.json" -H "X-API-Key: $KEY" "http://127.0.0.1:$APP_PORT$PATH_Q" \
    2>/dev/null && break
  sleep 0.1
done
[ -s "$WORK/price.json" ] || { echo "the price request failed" >&2; cat "$WORK/serve.log" >&2; exit 1; }

# 3. The references answer with the same document.
STATIC_PORT=$((REF_PORT + 1))
"$BIN/examples/bench_reference" json "$REF_PORT" "$WORK/price.json" >"$WORK/json.log" 2>&1 &
JSON_PID=$!
"$BIN/examples/bench_reference" static "$STATIC_PORT" "$WORK/price.json" >"$WORK/static.log" 2>&1 &
STATIC_PID=$!
PIDS+=("$JSON_PID" "$STATIC_PID")
wait_for "$WORK/json.log" "ready " >/dev/null
wait_for "$WORK/static.log" "ready " >/dev/null
JSON_BYTES=$(curl -fsS "http://127.0.0.1:$REF_PORT$PATH_Q" | wc -c)

ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; } # the server's user and system CPU

# One wrk run against port $1 served by process $2:
# prints "requests/s p50 p99 non-2xx user-µs/request system-µs/request".
run() {
  local u0 s0 u1 s1 out
  read -r u0 s0 < <(ticks "$2")
  out=$(wrk --latency -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" -H "X-API-Key: $KEY" \
    "http://127.0.0.1:$1$PATH_Q")
  read -r u1 s1 < <(ticks "$2")
  awk -v user=$((u1 - u0)) -v sys=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" '
    $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 } / requests in / { n = $1 }
    /^Requests\/sec/ { rps = $2 } /Non-2xx/ { bad = $NF }
    END { printf "%s %s %s %d %.1f %.1f\n", rps, p50, p99, bad, user * 1e6 / hz / n, sys * 1e6 / hz / n }' \
    <<<"$out"
}

echo "price response: $(wc -c <"$WORK/price.json") bytes (json reference: $JSON_BYTES);" \
  "wrk -t$THREADS -c$CONNECTIONS -d$DURATION;" \
  "load before: $(uptime | sed 's/.*load average: //')"
echo
echo "| round | server | requests/s | p50 | p99 | non-2xx | server CPU µs/request (user + system) |"
echo "|---|---|---|---|---|---|---|"
declare -A SUM=([gridprice]=0 [json]=0 [static]=0)
declare -A PORT=([gridprice]=$APP_PORT [json]=$REF_PORT [static]=$STATIC_PORT)
declare -A PID=([gridprice]=$APP_PID [json]=$JSON_PID [static]=$STATIC_PID)
for round in $(seq "$ROUNDS"); do
  for target in gridprice json static; do
    read -r rps p50 p99 bad user sys < <(run "${PORT[$target]}" "${PID[$target]}")
    echo "| $round | $target | $rps | $p50 | $p99 | $bad | $user + $sys |"
    SUM[$target]=$(awk "BEGIN{print ${SUM[$target]}+$rps}")
  done
done
echo
awk -v a="${SUM[gridprice]}" -v j="${SUM[json]}" -v s="${SUM[static]}" -v n="$ROUNDS" 'BEGIN {
  printf "mean requests/s: gridprice %.0f, json %.0f, static %.0f\n", a / n, j / n, s / n
  printf "gridprice / json: %.1f%% (budget >= 70%%); gridprice / static: %.1f%%\n",
    100 * a / j, 100 * a / s }'
echo "load after: $(uptime | sed 's/.*load average: //')"
