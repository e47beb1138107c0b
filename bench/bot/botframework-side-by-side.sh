#!/usr/bin/env bash
# The 9-turn booking conversation on our server against the Bot Framework JS SDK peer
# (../shared/peers/botframework-js), same load tool, same machine, one run. Builds and starts our server (Release,
# a fresh SQLite file with the demo data, chat rate limits lifted for the load generator), primes it, then hands over to
# the peer's side-by-side.sh, which starts the peer, primes it and measures both at 16 and 64 conversations.
# Usage: bench/bot/botframework-side-by-side.sh [PEER_DIR]     (PRIME_S, RUN_S, WARMUP_S, CONC are passed through)
set -euo pipefail
cd "$(dirname "$0")/../.."
peer="$(cd "${1:-../shared/peers/botframework-js}" && pwd)"
dotnet build -c Release src/Messaging.Server -v q -nologo >/dev/null
data="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd src/Messaging.Server/bin/Release/net10.0 && exec env Urls="http://127.0.0.1:$port" Messaging__DataDirectory="$data" \
    RateLimits__TurnsPerMinute=100000000 RateLimits__ConversationsPerMinute=100000000 RateLimits__PublicPerMinute=100000000 \
    dotnet Messaging.Server.dll >"$data/server.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.3; done
[[ -d "$peer/node_modules" ]] || (cd "$peer" && npm_config_yes=true npm ci --no-audit --no-fund --loglevel=error >/dev/null)
# The server's tiered JIT settles after about 40 s of this load (the peer's script primes 15 s by default).
PRIME_S="${PRIME_S:-45}" BASE_URL="http://127.0.0.1:$port" SERVER_PID="$server" "$peer/side-by-side.sh"
