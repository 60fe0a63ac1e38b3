// Command cel-compile compiles every admission policy of the blueprint with the Kubernetes API
// server's own CEL environment (k8s.io/apiserver, strict cost), as versions 1.30 and 1.33 would
// for a new policy (NewExpressions) and a stored one (StoredExpressions). The jest decision tables
// evaluate the same strings with @bufbuild/cel, which neither type-checks them against the
// Kubernetes declarations nor knows which library functions a given server version offers; this
// closes that gap without a running API server. It also runs the API server's CRD validation on the
// four CRDs, and replays the jest decision tables on the API server's validating-policy evaluator.
// Inputs: the JSON written by dump-policies.ts and the rows dumped by decision-table.ts.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	crdvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"

	celgo "github.com/google/cel-go/cel"
	"k8s.io/apimachinery/pkg/util/version"
	plugincel "k8s.io/apiserver/pkg/admission/plugin/cel"
	"k8s.io/apiserver/pkg/cel/environment"
)

type variable struct{ Name, Expression string }
type validation struct{ Expression, MessageExpression string }
type policy struct {
	Name string
	Spec struct {
		Variables   []variable
		Validations []validation
	}
}

type expr struct {
	name, text string
	types      []*celgo.Type
}

func (e *expr) GetExpression() string      { return e.text }
func (e *expr) ReturnTypes() []*celgo.Type { return e.types }
func (e *expr) GetName() string            { return e.name }

func main() {
	var policies []policy
	data, _ := os.ReadFile(os.Args[1])
	if err := json.Unmarshal(data, &policies); err != nil {
		panic(err)
	}
	failures := 0
	for _, minor := range []uint{30, 33} {
		for _, mode := range []environment.Type{environment.NewExpressions, environment.StoredExpressions} {
			for _, p := range policies {
				envSet := environment.MustBaseEnvSet(version.MajorMinor(1, minor), true)
				c, err := plugincel.NewCompositedCompiler(envSet)
				if err != nil {
					panic(err)
				}
				opts := plugincel.OptionalVariableDeclarations{HasParams: false, HasAuthorizer: true, StrictCost: true}
				for _, v := range p.Spec.Variables {
					r := c.CompileAndStoreVariable(&expr{name: v.Name, text: v.Expression, types: []*celgo.Type{celgo.AnyType}}, opts, mode)
					if r.Error != nil {
						failures++
						fmt.Printf("1.%d %v %s variables.%s: %v\n", minor, mode, p.Name, v.Name, r.Error)
					}
				}
				for i, v := range p.Spec.Validations {
					r := c.CompileCELExpression(&expr{text: v.Expression, types: []*celgo.Type{celgo.BoolType}}, opts, mode)
					if r.Error != nil {
						failures++
						fmt.Printf("1.%d %v %s validations[%d]: %v\n", minor, mode, p.Name, i, r.Error)
					}
					m := c.CompileCELExpression(&expr{text: v.MessageExpression, types: []*celgo.Type{celgo.StringType}}, plugincel.OptionalVariableDeclarations{StrictCost: true}, mode)
					if m.Error != nil {
						failures++
						fmt.Printf("1.%d %v %s validations[%d].messageExpression: %v\n", minor, mode, p.Name, i, m.Error)
					}
				}
			}
		}
	}
	if len(os.Args) > 2 {
		failures += validateCRDs(os.Args[2])
	}
	if len(os.Args) > 3 {
		failures += replayDecisions(os.Args[3])
	}
	fmt.Printf("compiled %d policies, %d failures\n", len(policies), failures)
	if failures > 0 {
		os.Exit(1)
	}
}

// validateCRDs runs the API server's own CustomResourceDefinition validation (structural schema,
// names, versions) on the manifests written by dump-policies.ts; returns the number of errors.
func validateCRDs(path string) int {
	var crds []apiextensionsv1.CustomResourceDefinition
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &crds); err != nil {
		panic(err)
	}
	failures := 0
	for i := range crds {
		apiextensionsv1.SetObjectDefaults_CustomResourceDefinition(&crds[i])
		var internal apiextensions.CustomResourceDefinition
		if err := apiextensionsv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(&crds[i], &internal, nil); err != nil {
			panic(err)
		}
		for _, e := range crdvalidation.ValidateCustomResourceDefinition(context.Background(), &internal) {
			failures++
			fmt.Printf("CRD %s: %v\n", crds[i].Name, e)
		}
	}
	fmt.Printf("validated %d CRDs\n", len(crds))
	return failures
}
