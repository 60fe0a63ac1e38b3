/**
 * Runs Pulumi code under the SDK's runtime mocks and records every resource registration.
 *
 * Used by the jest suites (components and whole stacks) and by the offline `plan` command, so the
 * same recording is what tests assert on and what users see. The SDK's `MockResourceArgs` lacks the
 * parent and the dependencies (pulumi/pulumi#8342), so we wrap the mock monitor's
 * `registerResource` and read them from the gRPC request itself.
 */
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { computedOutputs } from "./computed-outputs";

/** One resource as the engine would have received it. */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** Inputs as the provider would see them (secrets unwrapped, unknowns absent). */
  inputs: Record<string, unknown>;
  /** URN of the parent resource, `undefined` for the root stack. */
  parent?: string;
  /** URNs this resource depends on (explicit `dependsOn` plus input dependencies). */
  dependencies: string[];
  /** Provider reference (`urn::id`), if an explicit provider was passed. */
  provider?: string;
  /** `true` for custom (provider) resources, `false` for components and the stack. */
  custom: boolean;
  id: string;
  /** Mock outputs: the inputs plus computed values from `computedOutputs`. */
  outputs: Record<string, unknown>;
}

export interface MockRunOptions {
  project?: string;
  stack?: string;
  /** Project config, keys without the project prefix (`teams`, not `aks-hardening:teams`). */
  config?: Record<string, unknown>;
  /** Fully-qualified config keys (`kubernetes:context`), set as they are. */
  rawConfig?: Record<string, string>;
  /** Fully-qualified config keys whose values are secrets (as `secure:` values are for the CLI). */
  secretKeys?: string[];
  /** Extra computed outputs per resource, merged over the defaults. */
  outputs?: (
    type: string,
    name: string,
    inputs: Record<string, unknown>,
  ) => Record<string, unknown> | undefined;
  /** Answers for invokes; by default any invoke fails so that an unexpected call is noticed. */
  call?: (token: string, inputs: Record<string, unknown>) => Record<string, unknown>;
}

export interface MockRunResult<T> {
  resources: RecordedResource[];
  /** What the program returned (the stack outputs for a whole program). */
  result: T;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }) => void): void };
  getProvider(): string;
  getCustom(): boolean;
}

interface MonitorLike {
  registerResource(
    req: RegisterRequest,
    callback: (err: unknown, res?: { getUrn(): string }) => void,
  ): unknown;
}

/** Sets up the recording mocks; returns the live list that registrations are appended to. */
export async function installRecordingMocks(options: MockRunOptions = {}): Promise<RecordedResource[]> {
  const project = options.project ?? "aks-hardening";
  const stack = options.stack ?? "test";
  const resources: RecordedResource[] = [];
  const pending = new Map<string, RecordedResource>();
  let counter = 0;

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        const outputs = {
          ...inputs,
          ...computedOutputs(args.type, args.name, inputs),
          ...(options.outputs?.(args.type, args.name, inputs) ?? {}),
        };
        // `args.id` is "" (not undefined) unless importing; an empty ID would make `resource.id`
        // unknown. Prefer the computed Azure-style ID so that IDs parse like real ones.
        const id = args.id || (typeof outputs.id === "string" ? outputs.id : `${args.name}-id`);
        const record: RecordedResource = {
          urn: "",
          type: args.type,
          name: args.name,
          inputs,
          dependencies: [],
          provider: args.provider || undefined,
          custom: args.custom ?? true,
          id,
          outputs,
        };
        pending.set(`${args.type}::${args.name}::${counter++}`, record);
        return { id, state: outputs };
      },
      call(args) {
        if (options.call) return options.call(args.token, (args.inputs ?? {}) as Record<string, unknown>);
        throw new Error(`unexpected invoke under mocks: ${args.token}`);
      },
    },
    project,
    stack,
    false,
    "organization",
  );

  const config: Record<string, string> = { ...(options.rawConfig ?? {}) };
  for (const [key, value] of Object.entries(options.config ?? {})) {
    config[`${project}:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  pulumi.runtime.setAllConfig(config, options.secretKeys);

  // Wrap the monitor's registerResource to learn parent and dependencies from the request.
  const monitor = settings.getMonitor() as unknown as MonitorLike;
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    original(req, (err, res) => {
      if (!err && res) {
        const key = [...pending.keys()].find((k) => k.startsWith(`${req.getType()}::${req.getName()}::`));
        const record = key ? pending.get(key) : undefined;
        if (key && record) {
          pending.delete(key);
          const deps = new Set(req.getDependenciesList());
          req
            .getPropertydependenciesMap()
            .forEach((value) => value.getUrnsList().forEach((u) => deps.add(u)));
          record.urn = res.getUrn();
          record.parent = req.getParent() || undefined;
          record.dependencies = [...deps].sort();
          record.provider = req.getProvider() || record.provider;
          record.custom = req.getCustom();
          resources.push(record);
        }
      }
      callback(err, res);
    });
  return resources;
}

/**
 * Runs `program` as a whole Pulumi program (inside a root `pulumi:pulumi:Stack`) under recording
 * mocks, waits for every registration to finish, and returns the records and the program's result.
 * A program error (e.g. invalid config) is rethrown, never left as an unhandled rejection.
 */
export async function runProgramUnderMocks<T>(
  program: () => T | Promise<T>,
  options: MockRunOptions = {},
): Promise<MockRunResult<Awaited<T>>> {
  const resources = await installRecordingMocks(options);
  let failure: unknown;
  const onRejection = (reason: unknown) => {
    failure ??= reason;
  };
  process.on("unhandledRejection", onRejection);
  try {
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return (await program()) as unknown as Record<string, unknown>;
      } catch (err) {
        failure ??= err;
        return undefined;
      }
    });
    // Internal but stable since 3.x: resolves once every outstanding RPC (registration) has finished.
    await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error(JSON.stringify(failure));
    return { resources, result: outputs as Awaited<T> };
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}

/** Resolves a Pulumi Output (or plain value) to its value under mocks. */
export function resolveOutput<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

/** Looks up recorded resources by type token (and optionally a name predicate). */
export function ofType(
  resources: RecordedResource[],
  type: string,
  name?: string | RegExp,
): RecordedResource[] {
  return resources.filter(
    (r) =>
      r.type === type &&
      (name === undefined || (typeof name === "string" ? r.name === name : name.test(r.name))),
  );
}

/** Exactly one recorded resource of `type` named `name`; throws a readable error otherwise. */
export function single(
  resources: RecordedResource[],
  type: string,
  name?: string | RegExp,
): RecordedResource {
  const found = ofType(resources, type, name);
  if (found.length !== 1) {
    const names = ofType(resources, type)
      .map((r) => r.name)
      .join(", ");
    throw new Error(
      `expected one ${type}${name ? ` named ${String(name)}` : ""}, found ${found.length} (${names})`,
    );
  }
  return found[0];
}
