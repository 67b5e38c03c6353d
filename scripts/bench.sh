#!/usr/bin/env bash
# Measures a dtrsim replica beside nginx serving the same /_ping answer, in the same run, on
# loopback: requests per second and latency with wrk (keep-alive and a new connection per
# request, HTTP and HTTPS, 1/16/64 connections), CPU per request, a fresh check while 300 idle
# keep-alive connections are held, start-up time and memory. Figures, not assertions: the
# machine is shared, so read the ratios measured in the same run.
# Usage: scripts/bench.sh [SECONDS_PER_CELL]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-5}
scripts/install-deps.sh build
missing=()
for p in wrk nginx openssl python3; do command -v "$p" >/dev/null || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get -o DPkg::Lock::Timeout=600 -y -q --no-install-recommends install "${missing[@]}" >/dev/null
fi
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DDTRSIM_BUILD_TESTS=OFF >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null

WORK=$(mktemp -d /tmp/dtrsim-bench-XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
# N distinct free ports (all held until all are picked, so no two are the same).
free_ports() { python3 -c 'import socket,sys; s=[socket.socket() for _ in range(int(sys.argv[1]))]; [x.bind(("127.0.0.1",0)) for x in s]; print(" ".join(str(x.getsockname()[1]) for x in s))' "$1"; }

# dtrsim: one replica, startup measured to the first 200 on /_ping.
read -r DH DS NH NS < <(free_ports 4)
t0=$(date +%s%N)
build-release/dtrsim run --replicas 1 --http-port "$DH" --https-port "$DS" --control none \
  --state-file "$WORK/state.json" >"$WORK/dtrsim.log" 2>&1 &
DPID=$!; PIDS+=("$DPID")
until curl -sf "http://127.0.0.1:$DH/_ping" >/dev/null 2>&1; do sleep 0.001; done
DSTART=$(( ($(date +%s%N) - t0) / 1000000 ))

# nginx: the same body, the same kind of certificate (ECDSA P-256), HTTP keep-alive defaults.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -addext subjectAltName=IP:127.0.0.1 -days 1 -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
mkdir -p "$WORK/nginx/logs"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$NH;
    listen 127.0.0.1:$NS ssl;
    ssl_certificate $WORK/cert.pem;
    ssl_certificate_key $WORK/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = /_ping { default_type application/json; return 200 '{"Error":"","Healthy":true}'; }
  }
}
CONF
t0=$(date +%s%N)
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e stderr -g 'daemon off;' >"$WORK/nginx.log" 2>&1 &
NPID=$!; PIDS+=("$NPID")
until curl -sf "http://127.0.0.1:$NH/_ping" >/dev/null 2>&1; do sleep 0.001; done
NSTART=$(( ($(date +%s%N) - t0) / 1000000 ))

cpu_ticks() {  # user+system ticks of a process and its children (nginx workers)
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat") ))
  done
  echo "$total"
}
rss_kib() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do total=$(( total + $(awk '/VmRSS/ {print $2}' "/proc/$p/status") )); done
  echo "$total"
}
RSS_D0=$(rss_kib "$DPID"); RSS_N0=$(rss_kib "$NPID")

cell() {  # name pid url conns mode -> "req/s p50 p99 cpu_us_per_req"
  local pid=$2 url=$3 c=$4 mode=$5 threads=2 hdr=()
  [ "$c" -eq 1 ] && threads=1
  [ "$mode" = close ] && hdr=(-H 'Connection: close')
  local before after out
  before=$(cpu_ticks "$pid")
  out=$(timeout $((DUR + 30)) wrk -t"$threads" -c"$c" -d"${DUR}s" --timeout 5s --latency "${hdr[@]}" "$url")
  after=$(cpu_ticks "$pid")
  python3 - "$out" "$before" "$after" <<'PY'
import re, sys, os
out, before, after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
total = int(re.search(r"(\d+) requests in", out).group(1))
def lat(q):
    m = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)\b" % q, out)
    v, u = float(m.group(1)), m.group(2)
    return v * {"us": 1e-3, "ms": 1, "s": 1e3}[u]
cpu_us = (after - before) * 1e6 / os.sysconf("SC_CLK_TCK") / max(total, 1)
errors = re.search(r"Socket errors: (.*)", out)
print(f"{rps:.0f} {lat(50):.3f} {lat(99):.3f} {cpu_us:.1f} {'errors:'+errors.group(1).replace(' ','') if errors else ''}")
PY
}

printf "\ndtrsim %s beside nginx %s, /_ping on 127.0.0.1, %ss per cell, one run (%s)\n" \
  "$(git rev-parse --short HEAD 2>/dev/null || echo ?)" "$(nginx -v 2>&1 | sed 's/.*\///')" "$DUR" "$(date -u +%FT%TZ)"
printf "%-26s %12s %12s %7s %14s %14s %10s\n" scenario "dtrsim req/s" "nginx req/s" ratio "dtrsim p50/p99" "nginx p50/p99" "CPU us/req"
for proto in http https; do
  for mode in keepalive close; do
    for c in 1 16 64; do
      if [ "$proto" = http ]; then du="http://127.0.0.1:$DH/_ping"; nu="http://127.0.0.1:$NH/_ping";
      else du="https://127.0.0.1:$DS/_ping"; nu="https://127.0.0.1:$NS/_ping"; fi
      read -r dr dp50 dp99 dcpu derr < <(cell dtrsim "$DPID" "$du" "$c" "$mode")
      read -r nr np50 np99 ncpu nerr < <(cell nginx "$NPID" "$nu" "$c" "$mode")
      printf "%-26s %12s %12s %7s %14s %14s %10s %s %s\n" "$proto $mode c=$c" "$dr" "$nr" \
        "$(python3 -c "print(f'{$dr/$nr:.2f}x')")" "${dp50}/${dp99}ms" "${np50}/${np99}ms" "$dcpu/$ncpu" "$derr" "$nerr"
    done
  done
done

# A fresh health check while 300 idle keep-alive connections are held open.
held() {  # port -> ms for a fresh /_ping while 300 connections idle
  python3 - "$1" <<'PY'
import socket, sys, time
port = int(sys.argv[1]); held = []
for _ in range(300):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n"); s.recv(4096); held.append(s)
t = time.monotonic()
s = socket.create_connection(("127.0.0.1", port)); s.sendall(b"GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
while s.recv(4096): pass
print(f"{(time.monotonic() - t) * 1000:.2f}")
PY
}
printf "\nfresh /_ping with 300 idle keep-alive connections held: dtrsim %s ms, nginx %s ms\n" "$(held "$DH")" "$(held "$NH")"
printf "start-up to the first 200: dtrsim %s ms, nginx %s ms\n" "$DSTART" "$NSTART"
printf "RSS (KiB): dtrsim %s idle, %s after the run; nginx %s idle, %s after (master and workers)\n" \
  "$RSS_D0" "$(rss_kib "$DPID")" "$RSS_N0" "$(rss_kib "$NPID")"
echo "(CPU us/req is the server's own user+system time per request, dtrsim/nginx; wrk shares the two cores.)"
