#!/usr/bin/env bash
# A trial of the production topology as local processes: PostgreSQL, Azurite (Azure Storage Queues), N web nodes and
# M worker nodes of the real server, all on loopback. Ctrl-C stops everything (by PID). No containers.
#   scripts/trial-topology.sh [WEB_NODES=2] [WORKER_NODES=2]
set -euo pipefail
cd "$(dirname "$0")/.."
web_nodes="${1:-2}"; worker_nodes="${2:-2}"
root="$(mktemp -d /tmp/messaging-trial-XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
            if [ -n "${pg_bin:-}" ]; then run_pg "$pg_bin/pg_ctl" -D "$root/pg" -m immediate stop >/dev/null 2>&1 || true; fi
            echo "stopped; logs kept in $root"; }
trap cleanup EXIT INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# PostgreSQL from the machine image (initdb refuses to run as root: it runs as the postgres user then).
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$pg_bin/initdb" ] || { echo "PostgreSQL binaries not found under /usr/lib/postgresql" >&2; exit 1; }
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$root"
pg_port="$(free_port)"
run_pg "$pg_bin/initdb" -D "$root/pg" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$root/pg" -o "-p $pg_port -k $root -c listen_addresses=127.0.0.1" -l "$root/pg.log" -w start >/dev/null
database="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"

# Azurite from the test servers' npm packages.
[ -x node_modules/.bin/azurite-queue ] || npm ci --no-audit --no-fund >/dev/null
queue_port="$(free_port)"
node_modules/.bin/azurite-queue --queueHost 127.0.0.1 --queuePort "$queue_port" --inMemoryPersistence --silent >"$root/azurite.log" 2>&1 &
pids+=($!)
azure="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;"

dotnet build -c Release src/Messaging.Server -v q -nologo >/dev/null
dll="src/Messaging.Server/bin/Release/net10.0/Messaging.Server.dll"
export Database__Provider=Postgres Database__ConnectionString="$database" Queue__Provider=Azure Queue__AzureConnectionString="$azure" \
       Queue__Name=trial DirectLine__TokenKey="trial-token-key-0123456789abcdef0123456789" Messaging__DataDirectory="$root/data"

# Migrations once, before any node starts (several nodes migrating at once would race).
dotnet "$dll" migrate >"$root/migrate.log" 2>&1 || { cat "$root/migrate.log"; exit 1; }
start() { local role="$1" n="$2" port; port="$(free_port)"
          dotnet "$dll" --role "$role" --urls "http://127.0.0.1:$port" --Database:MigrateOnStart=false >"$root/$role-$n.log" 2>&1 &
          pids+=($!); echo "$role $n: http://127.0.0.1:$port (log $root/$role-$n.log)"; }
for i in $(seq 1 "$web_nodes"); do start web "$i"; done
for i in $(seq 1 "$worker_nodes"); do start worker "$i"; done
echo "PostgreSQL on $pg_port, Azurite queues on $queue_port; readiness: curl http://127.0.0.1:<port>/healthz/ready"
echo "Ctrl-C stops everything."
wait
