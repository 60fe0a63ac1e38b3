// pulumi-language-nodejs for the test toolchain: the upstream v3.68.0 Node.js language host, plus
// the one call it lacks.
//
// WHY: the Go module proxy serves no Node.js language host newer than the one inside sdk/v3
// v3.68.0. That host runs programs with CLI 3.248.0, but answers RunPlugin with "not supported",
// and CLI 3.248.0 starts every policy pack through RunPlugin once a language plugin for the pack's
// runtime exists (sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer). So
// `pulumi preview --policy-pack` cannot start the pack with the upstream host alone.
//
// What this binary does, and nothing more:
//   - starts the upstream host (pulumi-language-nodejs-upstream, next to this binary) with the
//     arguments the CLI gave us, and forwards every gRPC call to it byte for byte;
//   - answers RunPlugin for kind "analyzer" itself, the way the 3.248 Node.js host does: it runs
//     `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <node args> <engine> <pack dir>`
//     in the pack's directory, behind the SDK's own PolicyProxy (sdk/v3 policy_proxy.go), which
//     receives the stack configuration from the engine and hands it to the pack as the
//     PULUMI_NODEJS_* and PULUMI_CONFIG environment variables the Node.js policy runtime reads.
//
// Differences from the real 3.248 host, on purpose: no debugger attach, no bun runtime, no
// resource/tool plugins written in Node.js (RunPlugin of any other kind is refused, as upstream
// v3.68 refuses it).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/google/shlex"
	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

const upstreamName = "pulumi-language-nodejs-upstream"

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	upstreamBin := filepath.Join(filepath.Dir(self), upstreamName)
	upstream := exec.Command(upstreamBin, os.Args[1:]...)
	upstream.Stderr = os.Stderr
	out, err := upstream.StdoutPipe()
	if err != nil {
		return err
	}
	if err := upstream.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", upstreamBin, err)
	}
	// A language host announces its port as the first line on stdout; the rest is log output.
	reader := bufio.NewReader(out)
	line, err := reader.ReadString('\n')
	if err != nil {
		return fmt.Errorf("reading the port of %s: %w", upstreamName, err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		return fmt.Errorf("%s printed %q instead of its port", upstreamName, line)
	}
	go func() { _, _ = io.Copy(os.Stdout, reader) }()

	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", port),
		grpc.WithTransportCredentials(insecure.NewCredentials()), rpcutil.GrpcChannelOptions())
	if err != nil {
		return err
	}
	forwarder := &forwarder{upstream: conn}

	cancel := make(chan bool, 1)
	go func() {
		_ = upstream.Wait() // the host ends when its upstream does
		cancel <- true
	}()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			srv.RegisterService(&runPluginService, nil)
			return nil
		},
		Options: []grpc.ServerOption{
			grpc.UnknownServiceHandler(forwarder.forward),
			grpc.ForceServerCodec(passThroughCodec{}),
		},
	})
	if err != nil {
		return err
	}
	fmt.Printf("%d\n", handle.Port)
	return <-handle.Done
}

// frame is a message forwarded without decoding it.
type frame struct{ payload []byte }

// passThroughCodec leaves forwarded frames as bytes and (un)marshals the RunPlugin messages that
// this host handles itself. Its name must be "proto" so that the content type stays the same.
type passThroughCodec struct{}

func (passThroughCodec) Name() string { return "proto" }

func (passThroughCodec) Marshal(v any) ([]byte, error) {
	if f, ok := v.(*frame); ok {
		return f.payload, nil
	}
	return proto.Marshal(v.(proto.Message))
}

func (passThroughCodec) Unmarshal(data []byte, v any) error {
	if f, ok := v.(*frame); ok {
		f.payload = append([]byte(nil), data...)
		return nil
	}
	return proto.Unmarshal(data, v.(proto.Message))
}

type forwarder struct{ upstream *grpc.ClientConn }

// forward relays one call of any kind (unary or streaming) to the upstream host.
func (f *forwarder) forward(_ any, server grpc.ServerStream) error {
	method, ok := grpc.MethodFromServerStream(server)
	if !ok {
		return status.Error(codes.Internal, "no method name on the stream")
	}
	ctx, cancel := context.WithCancel(server.Context())
	defer cancel()
	client, err := f.upstream.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true},
		method, grpc.ForceCodec(passThroughCodec{}))
	if err != nil {
		return err
	}
	go func() {
		for {
			msg := &frame{}
			if err := server.RecvMsg(msg); err != nil {
				_ = client.CloseSend()
				return
			}
			if err := client.SendMsg(msg); err != nil {
				return
			}
		}
	}()
	for {
		msg := &frame{}
		if err := client.RecvMsg(msg); err != nil {
			server.SetTrailer(client.Trailer())
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if err := server.SendMsg(msg); err != nil {
			return err
		}
	}
}

// runPluginService registers RunPlugin alone; every other method of the service reaches the
// unknown-service handler and so the upstream host.
var runPluginService = grpc.ServiceDesc{
	ServiceName: "pulumirpc.LanguageRuntime",
	HandlerType: (*any)(nil),
	Streams: []grpc.StreamDesc{{
		StreamName:    "RunPlugin",
		ServerStreams: true,
		Handler: func(_ any, stream grpc.ServerStream) error {
			req := &pulumirpc.RunPluginRequest{}
			if err := stream.RecvMsg(req); err != nil {
				return err
			}
			if req.GetKind() != "analyzer" {
				return status.Errorf(codes.Unimplemented,
					"this Node.js host runs policy packs only, not %q plugins", req.GetKind())
			}
			return runPolicyPack(req,
				&grpc.GenericServerStream[pulumirpc.RunPluginRequest, pulumirpc.RunPluginResponse]{ServerStream: stream})
		},
	}},
}

func runPolicyPack(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	node, err := exec.LookPath("node")
	if err != nil {
		return err
	}
	packDir := req.GetInfo().GetProgramDirectory()
	// The runner comes from the pack's own node_modules, as with the upstream host.
	resolved, err := exec.CommandContext(ctx, node, "-e",
		"process.stdout.write(require.resolve('@pulumi/pulumi/cmd/run-policy-pack', {paths: [process.argv[1]]}))",
		packDir).Output()
	if err != nil {
		return fmt.Errorf("it looks like the policy pack's dependencies are not installed; "+
			"try running npm install in %q (%w)", packDir, err)
	}
	options := req.GetInfo().GetOptions().AsMap()
	nodeargs, err := shlex.Split(fmt.Sprint(valueOr(options["nodeargs"], "")))
	if err != nil {
		return fmt.Errorf("runtime option nodeargs: %w", err)
	}
	args := append([]string{string(resolved)}, nodeargs...)
	args = append(args, req.GetArgs()...)
	args = append(args, packDir)

	env := req.GetEnv()
	if ts, ok := options["typescript"].(bool); ok && ts {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}

	policyProxy, proxiedStdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return fmt.Errorf("could not start policy pack proxy: %w", err)
	}
	config, err := policyProxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("could not get stack configuration: %w", err)
	}
	if config != nil {
		env = appendIfSet(env, "PULUMI_NODEJS_ORGANIZATION", config.GetOrganization())
		env = appendIfSet(env, "PULUMI_NODEJS_PROJECT", config.GetProject())
		env = appendIfSet(env, "PULUMI_NODEJS_STACK", config.GetStack())
		env = appendIfSet(env, "PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(config.GetDryRun()))
		if len(config.GetConfig()) > 0 {
			encoded, err := json.Marshal(config.GetConfig())
			if err != nil {
				return err
			}
			env = append(env, "PULUMI_CONFIG="+string(encoded))
		}
	}

	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = packDir // packs have always run in their own directory
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = proxiedStdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not run node: %w", err)
	}
	if err := policyProxy.Attach(ctx, cmd); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok {
				return fmt.Errorf("Program exited with non-zero exit code: %d", ws.ExitStatus())
			}
		}
		return err
	}
	return closer.Close()
}

func valueOr(v any, fallback any) any {
	if v == nil {
		return fallback
	}
	return v
}

func appendIfSet(env []string, key, value string) []string {
	if value == "" {
		return env
	}
	return append(env, key+"="+value)
}
