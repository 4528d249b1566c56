#!/usr/bin/env bash
# The scale-out suite (docs/scaling.md): apps → agent Collectors → gateway Collectors → Thanos Receive/Query/Rule,
# with a receiver and a gateway killed and restarted. Not part of `npm test`: the first run builds Thanos
# (4–5 min on 2 cores, cached afterwards in ~/.cache/flux-metrics) and the test itself takes ~2.5 min.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
bash collector/build.sh >/dev/null
for tool in prometheus thanos; do bash tools/build.sh "$tool" >/dev/null; done
npm run build --silent
exec node --test --test-reporter=spec --test-concurrency=1 --test-timeout=1800000 test/scale-out/*.test.ts
