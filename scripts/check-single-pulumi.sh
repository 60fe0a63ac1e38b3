#!/usr/bin/env bash
# Two copies of @pulumi/pulumi make resources register with the wrong runtime ("Program run without
# the Pulumi engine available"); fail if npm ever nests a second copy.
set -euo pipefail
cd "$(dirname "$0")/.."
copies=$(find node_modules -path '*/@pulumi/pulumi/package.json' -not -path '*/@pulumi/pulumi/node_modules/*' | wc -l)
if [ "$copies" -ne 1 ]; then
  echo "expected exactly one @pulumi/pulumi in node_modules, found $copies:" >&2
  find node_modules -path '*/@pulumi/pulumi/package.json' >&2
  exit 1
fi
echo "one @pulumi/pulumi: $(node -p 'require("@pulumi/pulumi/package.json").version')"
