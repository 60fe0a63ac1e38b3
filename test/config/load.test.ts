/** loadConfig reads the project keys the Pulumi runtime holds (JSON text) and validates them. */
import { ConfigValidationError } from "../../infra/config/errors";
import { loadConfig } from "../../infra/config/load";
import { validateConfig } from "../../infra/config/validate";
import { runProgramUnderMocks } from "../../testing/recording-mocks";
import { mutated, validCreateConfig } from "./fixtures";

describe("loadConfig", () => {
  it("returns what validateConfig returns for the stack's project keys, ignoring other namespaces", async () => {
    const raw = validCreateConfig();
    const { result } = await runProgramUnderMocks(() => loadConfig(), {
      stack: "dev",
      config: raw,
      rawConfig: { "pulumi:disable-default-providers": '["*"]', "azure-native:location": "westeurope" },
    });
    expect(result).toEqual(validateConfig(raw, "dev"));
    expect(result.environment).toBe("dev");
  });

  it("fails the program with every problem before anything is registered", async () => {
    const raw = mutated(validCreateConfig(), (c) => {
      c.teams[0].name = "default";
      c.cluster.kubernetesVersion = "1.28";
    });
    const run = runProgramUnderMocks(() => loadConfig(), { stack: "dev", config: raw });
    await expect(run).rejects.toBeInstanceOf(ConfigValidationError);
    await expect(run).rejects.toThrow(
      /^teams\[0\]\.name: .*\ncluster\.kubernetesVersion: |^cluster\.kubernetesVersion: .*\nteams\[0\]\.name: /,
    );
  });
});
