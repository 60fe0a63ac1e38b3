package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	celgo "github.com/google/cel-go/cel"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/version"
	"k8s.io/apiserver/pkg/admission"
	plugincel "k8s.io/apiserver/pkg/admission/plugin/cel"
	"k8s.io/apiserver/pkg/admission/plugin/policy/validating"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/cel/environment"
)

// decisionLine is one row of a jest decision table, as dumped by decision-table.ts.
type decisionLine struct {
	Policy struct {
		Name string
		Spec struct {
			Variables   []variable
			Validations []struct {
				Expression, Message, MessageExpression string
			}
		}
	}
	Row struct {
		Name    string
		Expect  string
		Request struct {
			Operation   string
			Resource    struct{ Group, Version, Resource string }
			SubResource string
			Namespace   string
			UserInfo    struct {
				Username string
				Groups   []string
			}
			Object          map[string]any
			OldObject       map[string]any
			NamespaceObject map[string]any
		}
	}
}

// replayDecisions evaluates every dumped row with the API server's validating-policy evaluator
// (the code kube-apiserver runs) and reports rows whose outcome differs from the jest table.
func replayDecisions(path string) int {
	file, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 1<<20), 1<<24)
	failures, rows := 0, 0
	for scanner.Scan() {
		var line decisionLine
		if err := json.Unmarshal(scanner.Bytes(), &line); err != nil {
			panic(err)
		}
		if line.Row.Expect == "not-matched" {
			continue // matching is the dispatcher's job, not the evaluator's
		}
		rows++
		decisions := evaluate(line)
		denied, messages := false, []string{}
		for _, d := range decisions {
			if d.Evaluation == validating.EvalError {
				failures++
				fmt.Printf("%s / %s: evaluation error: %s\n", line.Policy.Name, line.Row.Name, d.Message)
			}
			if d.Action == validating.ActionDeny {
				denied = true
				messages = append(messages, d.Message)
			}
		}
		want := line.Row.Expect == "deny"
		if denied != want {
			failures++
			fmt.Printf("%s / %s: expected %s, API server evaluator denied=%v %v\n", line.Policy.Name, line.Row.Name, line.Row.Expect, denied, messages)
		}
		for _, m := range messages {
			if !strings.HasPrefix(m, line.Policy.Name+": ") {
				failures++
				fmt.Printf("%s / %s: message does not name the policy: %q\n", line.Policy.Name, line.Row.Name, m)
			}
		}
	}
	fmt.Printf("replayed %d decision rows on the API server's evaluator\n", rows)
	return failures
}

func evaluate(line decisionLine) []validating.PolicyDecision {
	envSet := environment.MustBaseEnvSet(version.MajorMinor(1, 30), true)
	compiler, err := plugincel.NewCompositedCompiler(envSet)
	if err != nil {
		panic(err)
	}
	opts := plugincel.OptionalVariableDeclarations{HasAuthorizer: true, StrictCost: true}
	vars := make([]plugincel.NamedExpressionAccessor, 0, len(line.Policy.Spec.Variables))
	for _, v := range line.Policy.Spec.Variables {
		vars = append(vars, &expr{name: v.Name, text: v.Expression, types: []*celgo.Type{celgo.AnyType}})
	}
	compiler.CompileAndStoreVariables(vars, opts, environment.StoredExpressions)
	validations := []plugincel.ExpressionAccessor{}
	messages := []plugincel.ExpressionAccessor{}
	for _, v := range line.Policy.Spec.Validations {
		validations = append(validations, &validating.ValidationCondition{Expression: v.Expression, Message: v.Message})
		messages = append(messages, &validating.MessageExpressionCondition{MessageExpression: v.MessageExpression})
	}
	fail := admissionregistrationv1.Fail
	validator := validating.NewValidator(
		compiler.CompileCondition(validations, opts, environment.StoredExpressions),
		nil,
		compiler.CompileCondition(nil, opts, environment.StoredExpressions),
		compiler.CompileCondition(messages, plugincel.OptionalVariableDeclarations{StrictCost: true}, environment.StoredExpressions),
		&fail,
	)

	req := line.Row.Request
	gvr := schema.GroupVersionResource{Group: req.Resource.Group, Version: req.Resource.Version, Resource: req.Resource.Resource}
	kind := schema.GroupVersionKind{Group: req.Resource.Group, Version: req.Resource.Version}
	var object, oldObject runtime.Object
	if req.Object != nil {
		u := &unstructured.Unstructured{Object: req.Object}
		kind = u.GroupVersionKind()
		object = u
	}
	if req.OldObject != nil {
		oldObject = &unstructured.Unstructured{Object: req.OldObject}
	}
	name := ""
	if meta, ok := req.Object["metadata"].(map[string]any); ok {
		name, _ = meta["name"].(string)
	}
	attrs := admission.NewAttributesRecord(object, oldObject, kind, req.Namespace, name, gvr, req.SubResource,
		admission.Operation(req.Operation), nil, false,
		&user.DefaultInfo{Name: req.UserInfo.Username, Groups: req.UserInfo.Groups})
	versioned := &admission.VersionedAttributes{Attributes: attrs, VersionedKind: kind, VersionedObject: object, VersionedOldObject: oldObject}

	var namespace *corev1.Namespace
	if req.NamespaceObject != nil {
		namespace = &corev1.Namespace{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(req.NamespaceObject, namespace); err != nil {
			panic(err)
		}
	}
	result := validator.Validate(context.Background(), gvr, versioned, nil, namespace, 10_000_000, nil)
	return result.Decisions
}
