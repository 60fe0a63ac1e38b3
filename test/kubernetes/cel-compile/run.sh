#!/usr/bin/env bash
# Compiles every guardrail's CEL with the real Kubernetes CEL environment and validates the CRDs
# with the API server's CRD validation (needs Go and the Go
# module proxy or a warm module cache; the first build takes minutes). Exit status 1 on any error.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
(cd "$root" && npx ts-node --transpile-only -P tsconfig.json "$here/dump-policies.ts" "$out/policies.json" "$out/crds.json")
(cd "$here" && go run . "$out/policies.json" "$out/crds.json")
