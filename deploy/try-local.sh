#!/usr/bin/env bash
# Tries docs/deploy.md's layout on this machine, all on loopback, with the project's Bot API
# emulator standing in for Telegram: PostgreSQL, nginx in front of two web workers in
# webhook mode, two workers (one leads). It runs the units' ExecStart commands by hand
# (no systemd here), talks to the bot through the emulator, kills the leading worker and
# checks the other takes over, then tears everything down. Needs root (PostgreSQL runs as
# the postgres user), PostgreSQL's binaries and nginx: apt-get install postgresql nginx-light
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
T=$(mktemp -d /tmp/nastavnik-deploy-XXXX)
chmod 755 "$T"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null || true
  tests/pg_ctl_as_postgres stop -D "$T/pg" -m fast >/dev/null 2>&1 || true
  wait 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT
say() { printf '== %s\n' "$*"; }

say "PostgreSQL on 127.0.0.1:15432"
tests/pg_ctl_as_postgres initdb --pgdata "$T/pg" -o "--username=postgres --auth=trust" >/dev/null
tests/pg_ctl_as_postgres start -D "$T/pg" -o "-p 15432 -k /tmp -h 127.0.0.1" -l "$T/pg.log" -w >/dev/null
runuser -u postgres -- psql -h 127.0.0.1 -p 15432 -q -c "CREATE DATABASE nastavnik" postgres

say "the Bot API emulator on 127.0.0.1:18080 (Telegram's stand-in)"
$PY -c "
import asyncio
from sandbox.run import start_emulator
async def main():
    await start_emulator('127.0.0.1', 18080)
    await asyncio.Event().wait()
asyncio.run(main())" &
PIDS+=($!)
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:18080/control/state >/dev/null && break; sleep 1; done

say "nginx on 127.0.0.1:18443 -> web workers on 18081, 18082 (deploy/nginx.conf without TLS)"
sed -e 's/listen 443 ssl;/listen 127.0.0.1:18443;/' -e '/ssl_certificate/d' \
    -e 's/127.0.0.1:8081/127.0.0.1:18081/' -e 's/127.0.0.1:8082/127.0.0.1:18082/' deploy/nginx.conf > "$T/site.conf"
cat > "$T/nginx.conf" <<CONF
daemon on;
pid $T/nginx.pid;
error_log $T/nginx-error.log;
events {}
http { access_log $T/nginx-access.log; include $T/site.conf; }
CONF
nginx -c "$T/nginx.conf"

export BOT_TOKEN=1000001:sandbox-token TELEGRAM_API_URL=http://127.0.0.1:18080
export DATABASE_URL=postgresql://postgres@127.0.0.1:15432/nastavnik
export WEBHOOK_URL=http://127.0.0.1:18443 WEBHOOK_PATH=/webhook WEBHOOK_HOST=127.0.0.1
export WEBHOOK_SECRET=deploy-try-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
export LOG_LEVEL=INFO LEADER_TTL_S=4

say "migrate, then the units' commands: two web workers, two workers"
$PY -m bot migrate 2>&1 | tail -n 1
for port in 18081 18082; do
  WEBHOOK_PORT=$port $PY -m bot run --role web >"$T/web-$port.log" 2>&1 &
  PIDS+=($!)
done
for n in 1 2; do
  $PY -m bot run --role worker >"$T/worker-$n.log" 2>&1 &
  PIDS+=($!)
done
for log in "$T/web-18081.log" "$T/web-18082.log" "$T/worker-1.log" "$T/worker-2.log"; do  # each says when ready
  for _ in $(seq 1 90); do grep -qs "ready (role" "$log" && break; sleep 1; done
  grep -q "ready (role" "$log" || { echo "not ready: $log"; cat "$log"; exit 1; }
done

api() {
  if [ -n "${3:-}" ]; then curl -sf -X "$1" "http://127.0.0.1:18080$2" -H 'Content-Type: application/json' -d "$3"
  else curl -sf -X "$1" "http://127.0.0.1:18080$2"; fi
}
field() { $PY -c "import json,sys; print(json.load(sys.stdin)['result']$1)"; }
texts() { $PY -c "import json,sys; print('\n'.join(m.get('text') or '' for m in json.load(sys.stdin)['result']))"; }

say "people write to the bot: answered through nginx by both web workers"
for i in 1 2 3 4 5 6; do
  uid=$(api POST /control/users "{\"first_name\": \"Проба $i\"}" | field "['id']")
  mid=$(api POST /control/send "{\"user_id\": $uid, \"text\": \"/start\"}" | field "['message_id']")
  got=$(api GET "/control/messages?chat_id=$uid&after=$mid&wait=20" | field "[-1]['text']" || true)
  case "$got" in *ссылку-приглашение*) echo "  Проба $i answered" ;; *) echo "no answer for Проба $i: $got"; exit 1 ;; esac
done
for port in 18081 18082; do
  n=$(grep -c "POST /webhook" "$T/nginx-access.log" || true)
  grep -q "role web" "$T/web-$port.log" || { echo "web worker $port did not start"; exit 1; }
done
echo "  nginx passed $(grep -c 'POST /webhook' "$T/nginx-access.log") webhook requests"

psql_() { runuser -u postgres -- psql -h 127.0.0.1 -p 15432 -d nastavnik "$@"; }
say "a message the bot starts itself goes once, through the leader's outbox"
$PY -m bot curator add "$uid" --org "Школа проверки" --tz Europe/Moscow 2>/dev/null
leader=$(runuser -u postgres -- psql -h 127.0.0.1 -p 15432 -d nastavnik -Atc "select holder from leases where name='leader'")
echo "  leader: $leader"
lpid=$(echo "$leader" | cut -d: -f2)
runuser -u postgres -- psql -h 127.0.0.1 -p 15432 -d nastavnik -qc \
  "insert into outbox (dedupe_key, chat_id, user_id, text, status, not_before, attempts, created_at) values ('deploy-try', $uid, $uid, 'Проверка отправителя', 'pending', now() at time zone 'utc', 0, now() at time zone 'utc')"
seen=$(api GET "/control/messages?chat_id=$uid&after=$mid&wait=5" | field "[-1]['message_id']")
sleep 3
api GET "/control/messages?chat_id=$uid&after=$seen&wait=20" | texts | grep -q "Проверка отправителя" \
  || { echo "not delivered:"; psql_ -c "select id, status, error, claimed_by from outbox where dedupe_key like 'deploy%'"; for f in "$T"/worker-*.log; do tail -n 5 "$f"; done; exit 1; }
echo "  delivered"

say "kill -9 of the leading worker ($lpid): the other takes over"
kill -9 "$lpid"
for _ in $(seq 1 30); do
  now=$(runuser -u postgres -- psql -h 127.0.0.1 -p 15432 -d nastavnik -Atc "select holder from leases where name='leader' and until > now() at time zone 'utc'")
  [ -n "$now" ] && [ "$now" != "$leader" ] && break
  sleep 1
done
[ -n "$now" ] && [ "$now" != "$leader" ] || { echo "no takeover"; exit 1; }
echo "  new leader: $now"
runuser -u postgres -- psql -h 127.0.0.1 -p 15432 -d nastavnik -qc \
  "insert into outbox (dedupe_key, chat_id, user_id, text, status, not_before, attempts, created_at) values ('deploy-try-2', $uid, $uid, 'После смены лидера', 'pending', now() at time zone 'utc', 0, now() at time zone 'utc')"
seen=$(api GET "/control/messages?chat_id=$uid&after=$seen&wait=5" | field "[-1]['message_id']")
sleep 3
api GET "/control/messages?chat_id=$uid&after=$seen&wait=20" | texts | grep -q "После смены лидера" \
  || { echo "not delivered after the takeover"; for f in "$T"/worker-*.log; do tail -n 5 "$f"; done; exit 1; }
echo "  delivered by the new leader"
say "all good"
