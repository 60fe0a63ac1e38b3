#!/usr/bin/env bash
# Builds the real components the test suites run against from the Go module proxy, via the wrapper
# modules in tools/:
#   Kubernetes tier (test:e2e): etcd, kube-apiserver, kube-controller-manager,
#   kube-scheduler;
#   Pulumi tier (test:engine): the Pulumi CLI at the version of @pulumi/pulumi, a Node.js language
#   host (upstream v3.68.0 behind our RunPlugin shim, tools/pulumi/nodejs-host), and
#   pulumi-resource-kubernetes at the version of @pulumi/kubernetes. `--tier kubernetes|pulumi`
#   builds one tier only.
#
# Idempotent: a binary already in the versioned cache is never rebuilt. Binaries you already have
# (e.g. from controller-runtime's envtest) are used instead when pointed at by
#   KUBE_APISERVER_BIN, KUBE_CONTROLLER_MANAGER_BIN, KUBE_SCHEDULER_BIN, ETCD_BIN   (single files), or
#   KUBEBUILDER_ASSETS                                           (a directory, envtest convention)
#   PULUMI_TOOLS_DIR                   a directory with pulumi, pulumi-language-nodejs and
#                                      pulumi-language-nodejs-upstream
#   PULUMI_RESOURCE_KUBERNETES_BIN     the Kubernetes provider plugin
# Cache: ${AKS_HARDENING_CACHE:-$HOME/.cache/aks-hardening}/bin/<component>-<version>/ (outside the repo).
# Build parallelism: BUILD_JOBS (default 2), niceness BUILD_NICE (default 10).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cache="${AKS_HARDENING_CACHE:-$HOME/.cache/aks-hardening}"
jobs="${BUILD_JOBS:-2}"
niceness="${BUILD_NICE:-10}"
tier="all"
if [[ "${1:-}" == "--tier" ]]; then tier="${2:-}"; fi
case "$tier" in all | kubernetes | pulumi) ;; *) echo "build-tools: --tier takes kubernetes or pulumi, got '$tier'" >&2; exit 2 ;; esac

# The versions are whatever the committed wrapper modules require, so go.mod stays the one source.
module_version() { sed -n "s#^[[:space:]]*\(require \)\{0,1\}$2 \(v[0-9][^ ]*\).*#\2#p" "$1" | head -1; }
k8s_version="$(module_version "$repo/tools/k8s/go.mod" k8s.io/kubernetes)"
etcd_version="$(module_version "$repo/tools/etcd/go.mod" go.etcd.io/etcd/server/v3)"
[[ -n "$k8s_version" && -n "$etcd_version" ]] || { echo "build-tools: cannot read versions from tools/*/go.mod" >&2; exit 1; }
k8s_bin="$cache/bin/k8s-$k8s_version"
etcd_bin="$cache/bin/etcd-$etcd_version"

# provided NAME ENVVAR: succeeds when the user supplied an existing binary for NAME.
provided() {
  local name="$1" var="$2"
  if [[ -n "${!var:-}" ]]; then
    [[ -x "${!var}" ]] || { echo "build-tools: $var=${!var} is not an executable file" >&2; exit 1; }
    echo "build-tools: $name from $var=${!var}"; return 0
  fi
  if [[ -n "${KUBEBUILDER_ASSETS:-}" && -x "$KUBEBUILDER_ASSETS/$name" ]]; then
    echo "build-tools: $name from KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"; return 0
  fi
  return 1
}

# build MODULE_DIR OUT_DIR LDFLAGS RENAME PACKAGE...: one `go build` per module so shared packages
# compile once. RENAME is "from:to" or "" (go names etcd's binary `server` after its module path).
build() {
  local module_dir="$1" out_dir="$2" ldflags="$3" rename="$4"; shift 4
  command -v go >/dev/null || { echo "build-tools: Go is required to build $* (or set the *_BIN variables)" >&2; exit 1; }
  local staging="$out_dir.partial.$$" started=$SECONDS
  rm -rf "$staging"; mkdir -p "$staging"
  echo "build-tools: building $* -> $out_dir (cold builds take many minutes)"
  (cd "$module_dir" && CGO_ENABLED=0 nice -n "$niceness" go build -p "$jobs" -trimpath -pgo=off \
    -ldflags "$ldflags" -o "$staging/" "$@")
  [[ -z "$rename" ]] || mv "$staging/${rename%%:*}" "$staging/${rename#*:}"
  # Atomic publish: a half-finished build never looks like a cached binary.
  mkdir -p "$(dirname "$out_dir")"; rm -rf "$out_dir"; mv "$staging" "$out_dir"
  local took=$((SECONDS - started))
  { echo "built: $(date -u +%FT%TZ)"; echo "seconds: $took"; echo "go: $(go version)"
    (cd "$out_dir" && for f in *; do [[ "$f" == build-info.txt ]] || echo "size $f: $(stat -c %s "$f") bytes"; done)
  } >"$out_dir/build-info.txt"
  echo "build-tools: done in ${took}s"; sed 's/^/  /' "$out_dir/build-info.txt"
}

build_kubernetes_tier() {
if provided etcd ETCD_BIN; then :
elif [[ -x "$etcd_bin/etcd" ]]; then echo "build-tools: etcd $etcd_version cached in $etcd_bin"
else build "$repo/tools/etcd" "$etcd_bin" "-s -w" server:etcd go.etcd.io/etcd/server/v3
fi

need_k8s=()
provided kube-apiserver KUBE_APISERVER_BIN || [[ -x "$k8s_bin/kube-apiserver" ]] || need_k8s+=(k8s.io/kubernetes/cmd/kube-apiserver)
provided kube-controller-manager KUBE_CONTROLLER_MANAGER_BIN || [[ -x "$k8s_bin/kube-controller-manager" ]] ||
  need_k8s+=(k8s.io/kubernetes/cmd/kube-controller-manager)
provided kube-scheduler KUBE_SCHEDULER_BIN || [[ -x "$k8s_bin/kube-scheduler" ]] ||
  need_k8s+=(k8s.io/kubernetes/cmd/kube-scheduler)
if ((${#need_k8s[@]} == 0)); then echo "build-tools: Kubernetes $k8s_version binaries present"
else
  # Without the version stamp the server reports v0.0.0-master, which breaks version-skew logic in clients.
  minor="${k8s_version#v1.}"; minor="${minor%%.*}"
  stamp="k8s.io/component-base/version"
  ldflags="-s -w -X $stamp.gitVersion=$k8s_version -X $stamp.gitMajor=1 -X $stamp.gitMinor=$minor -X $stamp.gitTreeState=clean"
  # Keep binaries that are already there (e.g. apiserver present, controller-manager missing).
  keep="$(mktemp -d)"; [[ -d "$k8s_bin" ]] && cp -a "$k8s_bin/." "$keep/"
  build "$repo/tools/k8s" "$k8s_bin" "$ldflags" "" "${need_k8s[@]}"
  cp -an "$keep/." "$k8s_bin/" 2>/dev/null || true; rm -rf "$keep"
fi
}

# The npm packages are the one source of the Pulumi versions: the CLI must match @pulumi/pulumi, and
# the provider plugin must be the version @pulumi/kubernetes asks the engine for.
npm_version() { node -p "require('$repo/package.json').dependencies['$1']"; }

build_pulumi_tier() {
  local cli_version host_version provider_version provider_module provider_src
  cli_version="v$(npm_version @pulumi/pulumi)"
  host_version="$(module_version "$repo/tools/pulumi-language-nodejs/go.mod" github.com/pulumi/pulumi/sdk/v3)"
  provider_version="$(npm_version @pulumi/kubernetes)"
  [[ "$(module_version "$repo/tools/pulumi/go.mod" github.com/pulumi/pulumi/pkg/v3)" == "$cli_version" ]] || {
    echo "build-tools: tools/pulumi/go.mod must require pkg/v3 $cli_version (the @pulumi/pulumi version)" >&2; exit 1; }
  local sdk_stamp="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version"
  local cli_dir="$cache/bin/pulumi-$cli_version" host_dir="$cache/bin/pulumi-language-nodejs-$host_version"
  local provider_dir="$cache/bin/pulumi-resource-kubernetes-$provider_version"

  if [[ -n "${PULUMI_TOOLS_DIR:-}" ]]; then
    for f in pulumi pulumi-language-nodejs pulumi-language-nodejs-upstream; do
      [[ -x "$PULUMI_TOOLS_DIR/$f" ]] || { echo "build-tools: PULUMI_TOOLS_DIR=$PULUMI_TOOLS_DIR has no executable $f" >&2; exit 1; }
    done
    echo "build-tools: Pulumi CLI and language host from PULUMI_TOOLS_DIR=$PULUMI_TOOLS_DIR"
  else
    if [[ -x "$host_dir/pulumi-language-nodejs" ]]; then echo "build-tools: Node.js language host $host_version cached in $host_dir"
    else build "$repo/tools/pulumi-language-nodejs" "$host_dir" "$sdk_stamp=$host_version" "" \
      github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
    fi
    if [[ -x "$cli_dir/pulumi" && -x "$cli_dir/pulumi-language-nodejs" ]]; then echo "build-tools: Pulumi CLI $cli_version cached in $cli_dir"
    else build "$repo/tools/pulumi" "$cli_dir" "$sdk_stamp=$cli_version" nodejs-host:pulumi-language-nodejs \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./nodejs-host
    fi
    # The shim starts the upstream host from its own directory.
    ln -sfn "$host_dir/pulumi-language-nodejs" "$cli_dir/pulumi-language-nodejs-upstream"
  fi

  if provided pulumi-resource-kubernetes PULUMI_RESOURCE_KUBERNETES_BIN; then :
  elif [[ -x "$provider_dir/pulumi-resource-kubernetes" ]]; then
    echo "build-tools: pulumi-resource-kubernetes $provider_version cached in $provider_dir"
  else
    # Upstream's main embeds generated files that the module zip lacks; stage our main.go with them.
    provider_module="github.com/pulumi/pulumi-kubernetes/provider/v4"
    local staging="$cache/staging/pulumi-kubernetes-$provider_version"
    rm -rf "$staging"; mkdir -p "$staging"
    cp "$repo/tools/pulumi-kubernetes/go.mod" "$repo/tools/pulumi-kubernetes/go.sum" "$repo/tools/pulumi-kubernetes/main.go" "$staging/"
    provider_src="$(cd "$staging" && go mod download -json "$provider_module" | node -e \
      'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>process.stdout.write(JSON.parse(s).Dir))')"
    node -e '
      const fs = require("fs");
      const [src, out, version] = process.argv.slice(1);
      const schema = JSON.parse(fs.readFileSync(`${src}/schema.json`, "utf8"));
      schema.version = version;
      fs.writeFileSync(`${out}/schema-embed.json`, JSON.stringify(schema));
      const mapping = JSON.parse(fs.readFileSync(`${src}/terraform-mapping.json`, "utf8"));
      fs.writeFileSync(`${out}/terraform-mapping-embed.json`, JSON.stringify(mapping));
    ' "$provider_src/cmd/pulumi-resource-kubernetes" "$staging" "$provider_version"
    build "$staging" "$provider_dir" "-s -w -X $provider_module/pkg/version.Version=$provider_version" \
      pulumi-kubernetes-bin:pulumi-resource-kubernetes .
  fi
}

case "$tier" in
  all) build_kubernetes_tier; build_pulumi_tier ;;
  kubernetes) build_kubernetes_tier ;;
  pulumi) build_pulumi_tier ;;
esac
