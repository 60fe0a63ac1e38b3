#!/usr/bin/env bash
# Two copies of @pulumi/pulumi make resources register with the wrong runtime ("Program run without
# the Pulumi engine available") and load the SDK twice. The workspaces (components, conventions,
# policy-pack) share the root node_modules; fail if npm ever nests a second copy anywhere in the tree.
set -euo pipefail
cd "$(dirname "$0")/.."
copies=$(find . -path ./.git -prune -o -path '*/node_modules/@pulumi/pulumi/package.json' -print | grep -v '/@pulumi/pulumi/node_modules/' || true)
count=$(printf '%s' "$copies" | grep -c . || true)
if [ "$count" -ne 1 ]; then
  echo "expected exactly one @pulumi/pulumi in the tree, found $count:" >&2
  printf '%s\n' "$copies" >&2
  exit 1
fi
echo "one @pulumi/pulumi: $(node -p 'require("@pulumi/pulumi/package.json").version') ($copies)"
