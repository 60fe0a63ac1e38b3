import * as pulumi from "@pulumi/pulumi";
import { runProgramUnderMocks, single } from "../testing/recording-mocks";

class Raw extends pulumi.CustomResource {
  constructor(type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(type, name, props, opts);
  }
}

class Box extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("aks-hardening:test:Box", name, {}, opts);
    const inner = new Raw("test:index:Thing", `${name}-thing`, { size: 3 }, { parent: this });
    new Raw("test:index:Other", `${name}-other`, { ref: inner.id }, { parent: this });
    this.registerOutputs({});
  }
}

describe("recording mocks", () => {
  it("records type, inputs, parent and dependencies of every registration", async () => {
    const { resources, result } = await runProgramUnderMocks(() => {
      new Box("b");
      return { answer: 42 };
    });
    expect(result).toEqual({ answer: 42 });
    const box = single(resources, "aks-hardening:test:Box");
    const thing = single(resources, "test:index:Thing");
    const other = single(resources, "test:index:Other");
    expect(box.custom).toBe(false);
    expect(thing.parent).toBe(box.urn);
    expect(thing.inputs).toEqual({ size: 3 });
    expect(other.dependencies).toContain(thing.urn);
    expect(single(resources, "pulumi:pulumi:Stack").parent).toBeUndefined();
  });

  it("rethrows a program error instead of leaving an unhandled rejection", async () => {
    await expect(
      runProgramUnderMocks(() => {
        throw new Error("teams[0].name: bad");
      }),
    ).rejects.toThrow("teams[0].name: bad");
  });
});
