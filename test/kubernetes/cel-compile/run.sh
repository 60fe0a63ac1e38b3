#!/usr/bin/env bash
# Checks the guardrails against the Kubernetes API server's own code, without a running server
# (needs Go and the Go module proxy or a warm module cache; the first build takes minutes):
#  1. compiles every policy expression, variable and message with the API server's CEL environment;
#  2. validates the four CRDs with the API server's CRD validation;
#  3. replays every jest decision-table row on the API server's validating-policy evaluator.
# Exit status 1 on any difference.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cd "$root"
npx ts-node --transpile-only -P tsconfig.json "$here/dump-policies.ts" "$out/policies.json" "$out/crds.json"
AKS_HARDENING_DECISION_DUMP="$out/decisions.jsonl" npx jest test/kubernetes/admission --silent
cd "$here"
go run . "$out/policies.json" "$out/crds.json" "$out/decisions.jsonl"
