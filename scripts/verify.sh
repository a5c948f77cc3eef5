#!/usr/bin/env bash
# The one test command (`npm test`, and CI's .ci/run): on a fresh clone it installs the
# dependencies when missing, brings the local infrastructure up, then runs the format
# check, lint, typecheck, build and every test tier. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE="${NX_SKIP_NX_CACHE:-false}"
export KAFKAJS_NO_PARTITIONER_WARNING=1

started=$SECONDS
phase() { printf '\n=== %s (%ss)\n' "$1" "$((SECONDS - started))"; }

phase 'install'
bash scripts/ensure-deps.sh

phase 'infrastructure'
bash infra/up.sh

phase 'format check'
npx prettier --check . --log-level warn

phase 'lint, typecheck, build'
npx nx run-many -t lint typecheck build --output-style=static --parallel=2
# Root-level test and tooling files belong to no Nx project: check them here.
npx tsc -p tsconfig.json
npx eslint test eslint.config.mjs --max-warnings=0

results_dir="$(mktemp -d)"
trap 'rm -rf "$results_dir"' EXIT
run_tier() {
  local tier="$1"
  shift
  phase "tests: $tier"
  npx jest --selectProjects "$tier" --json \
    --outputFile="$results_dir/$tier-$((runs += 1)).json" "$@"
}
runs=0
# The libraries' coverage is measured in the unit and int tiers and gated over both merged,
# per library (scripts/check-coverage.cjs, thresholds in coverage-thresholds.json).
coverage() { echo --coverage --coverageReporters=json --coverageDirectory="$results_dir/coverage-$1"; }
run_tier unit $(coverage unit)
run_tier int --runInBand $(coverage int)
run_tier e2e --runInBand
phase 'coverage gate'
node scripts/check-coverage.cjs "$results_dir"/coverage-{unit,int}/coverage-final.json

phase 'done'
node scripts/summarize-tests.cjs "$results_dir"/*.json
