#!/usr/bin/env bash
# The one test command (README, .ci/run): static checks, then every suite. It sets up what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci
[ -f dist/cli/main.js ] || npm run build

echo "== lint (biome)"
npx biome check .
echo "== typecheck (tsc)"
npx tsc -p tsconfig.json --noEmit
npx tsc -p web/tsconfig.json
echo "== layers"
npx tsx scripts/check-layers.ts
echo "== build is current"
npm run build --silent

echo "== PostgreSQL for the registry suites (a throwaway cluster; PGlite needs nothing)"
if [ -n "${MODELGATE_TEST_POSTGRES_URL:-}" ]; then
  echo "using MODELGATE_TEST_POSTGRES_URL"
else
  pgdir=$(bash scripts/postgres-for-tests.sh start)
  trap 'bash scripts/postgres-for-tests.sh stop "$pgdir"' EXIT
  MODELGATE_TEST_POSTGRES_URL=$(cat "$pgdir/url")
  export MODELGATE_TEST_POSTGRES_URL
  echo "started $MODELGATE_TEST_POSTGRES_URL"
fi

echo "== Chromium for the dashboard tests"
bash scripts/ensure-chromium.sh

echo "== tests (vitest)"
results=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" || status=$?
summary=$(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results" || echo "tests: no results (vitest did not finish)")
rm -f "$results"

echo "== forward compatibility (Node.js 22 and 24 LTS)"
bash scripts/test-node-lts.sh || status=1

# The suite's one closing line, last, for whoever reads the end of the log.
echo "$summary"
exit "$status"
