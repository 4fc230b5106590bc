#!/usr/bin/env bash
# Start N dashboard replicas and nginx in front of them, all on loopback, until stopped.
#
#     deploy/run-replicas.sh [N=2] [PORT=8500]
#
# Replica i listens on 127.0.0.1:PORT+i, nginx on 127.0.0.1:PORT (deploy/nginx.conf,
# sticky by a cookie). Every replica reads the same database (TRACKER_DB) and so the same
# releases folder: viewers see the current release, whichever replica serves them.
# Prints "ready http://127.0.0.1:PORT replicas PORT+1 ... PORT+N" once all answer, then
# waits; Ctrl-C or SIGTERM stops nginx and every replica. Needs nginx (apt-get install nginx).
set -euo pipefail

N=${1:-2}
PORT=${2:-8500}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-$ROOT/.venv/bin/python}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
RUN=$(mktemp -d "${TMPDIR:-/tmp}/tracker-replicas.XXXXXX")
chmod 755 "$RUN"
# One cookie secret for all replicas: a signed cookie (st.login's) made by one replica is
# then valid on every other, which a failover needs.
SECRET=${TRACKER_COOKIE_SECRET:-$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')}

PIDS=()
stop() {
    trap - EXIT INT TERM
    [ -f "$RUN/nginx.pid" ] && "$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -s quit 2>/dev/null || true
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$RUN"
}
trap stop EXIT INT TERM

SERVERS=""
for i in $(seq 1 "$N"); do
    p=$((PORT + i))
    (cd "$ROOT" && STREAMLIT_SERVER_COOKIE_SECRET="$SECRET" exec "$PY" -m streamlit run \
        dashboard.py --server.headless true --server.address 127.0.0.1 --server.port "$p" \
        --server.fileWatcherType none --browser.gatherUsageStats false) \
        >"$RUN/replica-$i.log" 2>&1 &
    PIDS+=($!)
    SERVERS+="        server 127.0.0.1:$p max_fails=3 fail_timeout=10s;"$'\n'
done

mkdir -p "$RUN"/{client_body,proxy,fastcgi,uwsgi,scgi}
chmod 777 "$RUN"/{client_body,proxy,fastcgi,uwsgi,scgi}  # nginx's workers may run as nobody
python3 - "$ROOT/deploy/nginx.conf" "$RUN/nginx.conf" "$RUN" "127.0.0.1:$PORT" "$SERVERS" <<'PY'
import sys
src, dst, run, listen, servers = sys.argv[1:]
text = open(src).read().replace("@RUN@", run).replace("@LISTEN@", listen)
open(dst, "w").write(text.replace("@SERVERS@\n", servers))
PY
"$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf"

for i in $(seq 1 "$N"); do
    p=$((PORT + i))
    for _ in $(seq 1 120); do
        curl -fs -o /dev/null "http://127.0.0.1:$p/_stcore/health" && break
        kill -0 "${PIDS[$((i - 1))]}" 2>/dev/null || { cat "$RUN/replica-$i.log" >&2; exit 1; }
        sleep 0.5
    done
done
"$NGINX" -p "$RUN" -c "$RUN/nginx.conf"
echo "ready http://127.0.0.1:$PORT replicas $(seq -s ' ' $((PORT + 1)) $((PORT + N)))"
wait "${PIDS[@]}"
