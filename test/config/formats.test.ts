/** The pure format checks behind config validation, tested directly. */
import fc from "fast-check";
import {
  closestKey,
  compareVersions,
  coversEveryIpv4Address,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
  isEmail,
  isGuid,
  parseIpv4Cidr,
  parseVersion,
  reservedNamespaceProblem,
} from "../../conventions/formats";

describe("DNS-1123 names", () => {
  it.each(["a", "team-a", "a1", "1a", "x".repeat(63)])("accepts the label %s", (name) => {
    expect(dns1123LabelProblem(name)).toBeUndefined();
  });
  it.each(["", "Team", "team_a", "-a", "a-", "a.b", "x".repeat(64), "ä"])("refuses the label %j", (name) => {
    expect(dns1123LabelProblem(name)).toBeDefined();
  });
  it("applies a custom maximum length", () => {
    expect(dns1123LabelProblem("x".repeat(25), 24)).toMatch(/at most 24/);
  });
  it("accepts dotted subdomains and refuses uppercase", () => {
    expect(dns1123SubdomainProblem("api.v1")).toBeUndefined();
    expect(dns1123SubdomainProblem("Api")).toBeDefined();
    expect(dns1123SubdomainProblem("a..b")).toBeDefined();
  });
});

describe("reserved namespaces", () => {
  it.each([
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "kube-anything",
    "gatekeeper-system",
    "calico-system",
    "tigera-operator",
    "aad-pod-identity",
  ])("%s is reserved", (name) => expect(reservedNamespaceProblem(name, "aad-pod-identity")).toBeDefined());
  it("a team-like name is not reserved", () => {
    expect(reservedNamespaceProblem("payments", "aad-pod-identity")).toBeUndefined();
    expect(reservedNamespaceProblem("kube", "aad-pod-identity")).toBeUndefined();
  });
});

describe("IPv4 CIDRs", () => {
  it("parses a network", () => {
    expect(parseIpv4Cidr("203.0.113.0/24")).toEqual({ address: 0xcb007100, prefixLength: 24 });
    expect(parseIpv4Cidr("0.0.0.0/0")).toEqual({ address: 0, prefixLength: 0 });
    expect(parseIpv4Cidr("198.51.100.7/32")).toEqual({ address: 0xc6336407, prefixLength: 32 });
  });
  it.each([
    "203.0.113.0",
    "203.0.113.0/33",
    "256.0.0.0/8",
    "010.0.0.0/8",
    "10.0.0/8",
    "::1/128",
    "10.0.0.0/-1",
    " 10.0.0.0/8",
  ])("refuses %j", (value) => expect(typeof parseIpv4Cidr(value)).toBe("string"));
  it("names the intended network when host bits are set", () => {
    expect(parseIpv4Cidr("203.0.113.77/26")).toMatch(/203\.0\.113\.64\/26/);
  });
  it("accepts exactly the networks whose host bits are clear (property)", () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 }), (address, prefix) => {
        const text = `${[24, 16, 8, 0].map((s) => (address >>> s) & 0xff).join(".")}/${prefix}`;
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const parsed = parseIpv4Cidr(text);
        if ((address & mask) >>> 0 === address) expect(parsed).toEqual({ address, prefixLength: prefix });
        else expect(typeof parsed).toBe("string");
      }),
    );
  });
});

describe("IPv4 coverage", () => {
  /** Splits 0.0.0.0/0 into blocks: each step halves one block, chosen by the random path. */
  const partition = fc.array(fc.nat(), { maxLength: 12 }).map((choices) => {
    let blocks = [{ address: 0, prefix: 0 }];
    for (const c of choices) {
      const i = c % blocks.length;
      const { address, prefix } = blocks[i];
      if (prefix === 32) continue;
      const half = 2 ** (31 - prefix);
      blocks = [
        ...blocks.slice(0, i),
        { address, prefix: prefix + 1 },
        { address: address + half, prefix: prefix + 1 },
        ...blocks.slice(i + 1),
      ];
    }
    return blocks.map(
      ({ address, prefix }) =>
        `${[24, 16, 8, 0].map((s) => Math.floor(address / 2 ** s) % 256).join(".")}/${prefix}`,
    );
  });

  it("holds for every partition of the address space, and fails once any block is missing", () => {
    fc.assert(
      fc.property(partition, fc.nat(), (blocks, drop) => {
        expect(coversEveryIpv4Address(blocks)).toBe(true);
        expect(coversEveryIpv4Address([...blocks].reverse())).toBe(true);
        if (blocks.length > 1) {
          const without = blocks.filter((_, i) => i !== drop % blocks.length);
          expect(coversEveryIpv4Address(without)).toBe(false);
        }
      }),
    );
  });

  it.each([
    [["0.0.0.0/0"], true],
    [["128.0.0.0/1", "0.0.0.0/1"], true],
    [["0.0.0.0/1", "127.255.255.255/1"], false],
    [["0.0.0.0/1", "128.0.0.1/1"], true],
    [["0.0.0.0/1", "::/0"], false],
    [["0.0.0.0/1", "not-a-cidr", "128.0.0.0/2"], false],
    [[], false],
  ])("%j covers everything: %s", (cidrs, expected) => {
    expect(coversEveryIpv4Address(cidrs)).toBe(expected);
  });
});

describe("versions", () => {
  it("parses major.minor and major.minor.patch", () => {
    expect(parseVersion("1.30")).toEqual([1, 30, 0]);
    expect(parseVersion("1.33.2")).toEqual([1, 33, 2]);
    expect(parseVersion("1.30", true)).toBeUndefined();
    expect(parseVersion("v1.30")).toBeUndefined();
  });
  it("compares numerically, not lexically", () => {
    expect(compareVersions([1, 8, 13], [1, 8, 9])).toBeGreaterThan(0);
    expect(compareVersions([1, 29], [1, 30])).toBeLessThan(0);
    expect(compareVersions([1, 30, 0], [1, 30])).toBe(0);
  });
});

describe("identifiers", () => {
  it("recognises GUIDs", () => {
    expect(isGuid("9ac7764f-961b-4aa4-bca1-5a659f034946")).toBe(true);
    expect(isGuid("9AC7764F-961B-4AA4-BCA1-5A659F034946")).toBe(true);
    expect(isGuid("9ac7764f961b4aa4bca15a659f034946")).toBe(false);
    expect(isGuid("team-a-developers")).toBe(false);
  });
  it("recognises e-mail addresses loosely", () => {
    expect(isEmail("ops@example.com")).toBe(true);
    expect(isEmail("ops team")).toBe(false);
    expect(isEmail("ops@localhost")).toBe(false);
  });
});

describe("did-you-mean hints", () => {
  const keys = ["authorizedIpRanges", "privateCluster", "tier"];
  it("finds the intended key of a typo", () => {
    expect(closestKey("autorizedIpRanges", keys)).toBe("authorizedIpRanges");
    expect(closestKey("AuthorizedIPRanges", keys)).toBe("authorizedIpRanges");
    expect(closestKey("teir", keys)).toBe("tier");
  });
  it("gives no hint for an unrelated key", () => {
    expect(closestKey("location", keys)).toBeUndefined();
    expect(closestKey("x", keys)).toBeUndefined();
  });
});
