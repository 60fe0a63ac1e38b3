// pulumi-resource-kubernetes, built from the provider module on the Go module proxy.
//
// Upstream's own main embeds schema-embed.json and terraform-mapping-embed.json, which its Makefile
// generates and which are therefore missing from the module zip. scripts/build-tools.sh writes
// them (the zip's schema.json with the version set, and the terraform mapping, both compacted)
// next to a copy of this file in a staging folder in the cache, and builds there; so this package
// only builds in that folder.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	// v4.25.0 takes four arguments; v4.32.0 added a Helm mapping.
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
