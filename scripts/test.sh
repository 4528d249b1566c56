#!/usr/bin/env bash
# The whole test suite: system tools, the Collector and Prometheus/Alertmanager builds, build, generated-file checks, lint, then every test file under test/.
# Runs under the repo's own Node (node_modules/.bin/node, Node 24) whatever Node started npm.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
# The real parts at the versions users deploy, built from the Go module proxy once and cached by version
# (about 10 minutes on a fresh 2-core machine, instant afterwards): built here so no test's timeout pays for it.
bash collector/build.sh >/dev/null
for tool in promtool prometheus alertmanager amtool; do bash tools/build.sh "$tool" >/dev/null; done
npm run build --silent
node scripts/gen-metrics-doc.ts --check
node packages/mixin/dist/cli.js --check
npm run lint --silent
# test/scale-out/ (Thanos, ~20 processes) runs with `npm run test:scale` only (docs/scaling.md).
files=$(find test -name '*.test.ts' -not -path '*/node_modules/*' -not -path 'test/scale-out/*' | sort)
exec node --test --test-reporter=spec --test-concurrency=1 --test-timeout=600000 $files
