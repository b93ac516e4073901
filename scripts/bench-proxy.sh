#!/usr/bin/env bash
# A warm price through the app proxy (`/proxy/…`, Shopify's signature verified on every request)
# against the direct v1 price (`/api/v1/…` with X-API-Key), side by side in one run on the same
# `gridprice serve`: wrk --latency, same threads/connections/duration, rounds alternating
# v1/proxy. Prints a markdown table. See docs/PERFORMANCE.md ("App proxy against the v1 API").
#
# The proxy's URL is signed as Shopify's proxy signs it (sorted `name=value` pairs, HMAC-SHA256
# with the app secret, hex) right before each round: a signature is accepted for 90 s.
#
# Settings (environment): ROUNDS=4 DURATION=10s CONNECTIONS=50 THREADS=2
#   APP_PORT=18090 SIM_PORT=19392   CARGO_TARGET_DIR=target
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-4} DURATION=${DURATION:-10s} CONNECTIONS=${CONNECTIONS:-50} THREADS=${THREADS:-2}
APP_PORT=${APP_PORT:-18090} SIM_PORT=${SIM_PORT:-19392}
BIN=${CARGO_TARGET_DIR:-target}/release
SHOP=demo-shop.myshopify.com

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --quiet -p gridprice --bin gridprice

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 600); do
    if grep -m1 "^$2" "$1"; then return; fi
    sleep 0.1
  done
  echo "timed out waiting for '$2' in $1:" >&2 && cat "$1" >&2 && exit 1
}

# 1. `gridprice dev` installs the demo shop and seeds its catalogue and key, then stops.
"$BIN/gridprice" dev --port "$APP_PORT" --shopify-port "$SIM_PORT" --data-dir "$WORK/data" \
  >"$WORK/dev.log" 2>&1 &
DEV=$!
PIDS+=("$DEV")
READY=$(wait_for "$WORK/dev.log" "ready ")
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$READY"; }
KEY=$(field storefrontApiKey) PRODUCT=$(field demoProductId) SECRET=$(field appApiSecret)
kill "$DEV" && wait "$DEV" || true

# 2. `gridprice serve` on that database, rate limits raised (the defaults would measure 429s).
GRIDPRICE_BIND=127.0.0.1:$APP_PORT GRIDPRICE_DATA_DIR=$WORK/data \
  GRIDPRICE_ENCRYPTION_KEY=$(cat "$WORK/data/encryption.key") \
  SHOPIFY_API_KEY=$(field appApiKey) SHOPIFY_API_SECRET=$SECRET \
  SHOPIFY_APP_URL=http://127.0.0.1:$APP_PORT \
  SHOPIFY_SHOP_URL_TEMPLATE="http://127.0.0.1:$SIM_PORT/store/{shop}" \
  GRIDPRICE_RATE_LIMIT_PER_KEY=1000000000,1000000000 \
  GRIDPRICE_RATE_LIMIT_PER_IP=1000000000,1000000000 \
  "$BIN/gridprice" serve >"$WORK/serve.log" 2>&1 &
APP_PID=$!
PIDS+=("$APP_PID")
V1_PATH="/api/v1/products/$PRODUCT/price?width=450&height=250&quantity=2"
for _ in $(seq 100); do
  curl -fsS -o "$WORK/v1.json" -H "X-API-Key: $KEY" "http://127.0.0.1:$APP_PORT$V1_PATH" \
    2>/dev/null && break
  sleep 0.1
done
[ -s "$WORK/v1.json" ] || { echo "the v1 price request failed" >&2; cat "$WORK/serve.log" >&2; exit 1; }

# The proxy's path for the same price, signed now.
signed_proxy_path() {
  local ts sig
  ts=$(date +%s)
  sig=$(printf '%s' "height=250logged_in_customer_id=path_prefix=/apps/gridprice""quantity=2shop=${SHOP}timestamp=${ts}width=450" |
    openssl dgst -sha256 -hmac "$SECRET" | awk '{ print $NF }')
  printf '/proxy/products/%s/price?width=450&height=250&quantity=2&shop=%s&logged_in_customer_id=&path_prefix=%%2Fapps%%2Fgridprice&timestamp=%s&signature=%s' \
    "$PRODUCT" "$SHOP" "$ts" "$sig"
}
curl -fsS -o "$WORK/proxy.json" "http://127.0.0.1:$APP_PORT$(signed_proxy_path)" ||
  { echo "the proxy price request failed" >&2; cat "$WORK/serve.log" >&2; exit 1; }
cmp -s "$WORK/v1.json" "$WORK/proxy.json" || { echo "the proxy answers differently" >&2; exit 1; }

ticks() { awk '{ print $14, $15 }' "/proc/$1/stat"; }

# One wrk run against $1 (a path), with the extra wrk arguments after it:
# prints "requests/s p50 p99 non-2xx user-µs/request system-µs/request".
run() {
  local path=$1 u0 s0 u1 s1 out
  shift
  read -r u0 s0 < <(ticks "$APP_PID")
  out=$(wrk --latency -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" "$@" "http://127.0.0.1:$APP_PORT$path")
  read -r u1 s1 < <(ticks "$APP_PID")
  awk -v user=$((u1 - u0)) -v sys=$((s1 - s0)) -v hz="$(getconf CLK_TCK)" '
    $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 } / requests in / { n = $1 }
    /^Requests\/sec/ { rps = $2 } /Non-2xx/ { bad = $NF }
    END { printf "%s %s %s %d %.1f %.1f\n", rps, p50, p99, bad, user * 1e6 / hz / n, sys * 1e6 / hz / n }' \
    <<<"$out"
}

echo "price response: $(wc -c <"$WORK/v1.json") bytes, the same on both;" \
  "wrk -t$THREADS -c$CONNECTIONS -d$DURATION; load before: $(uptime | sed 's/.*load average: //')"
echo
echo "| round | request | requests/s | p50 | p99 | non-2xx | server CPU µs/request (user + system) |"
echo "|---|---|---|---|---|---|---|"
V1_SUM=0 PROXY_SUM=0
for round in $(seq "$ROUNDS"); do
  read -r rps p50 p99 bad user sys < <(run "$V1_PATH" -H "X-API-Key: $KEY")
  echo "| $round | v1 | $rps | $p50 | $p99 | $bad | $user + $sys |"
  V1_SUM=$(awk "BEGIN{print $V1_SUM+$rps}")
  read -r rps p50 p99 bad user sys < <(run "$(signed_proxy_path)")
  echo "| $round | proxy | $rps | $p50 | $p99 | $bad | $user + $sys |"
  PROXY_SUM=$(awk "BEGIN{print $PROXY_SUM+$rps}")
done
echo
awk -v v="$V1_SUM" -v p="$PROXY_SUM" -v n="$ROUNDS" 'BEGIN {
  printf "mean requests/s: v1 %.0f, proxy %.0f\n", v / n, p / n
  printf "proxy / v1: %.1f%% (budget >= 80%%)\n", 100 * p / v }'
echo "load after: $(uptime | sed 's/.*load average: //')"
