/**
 * `pod-identity-exception-platform-only` on the hardened world, then an exception outside the
 * identity namespace.
 */
import { byName, describePolicy, UNKNOWN } from "../harness";
import { world } from "./fixtures";

describePolicy({
  policy: "pod-identity-exception-platform-only",
  fixture: world,
  mutations: [
    {
      name: "exception in a team namespace",
      mutate: (rs) => void (byName(rs, "mic-exception").metadata.namespace = "payments"),
      expect: /is in "payments"/,
    },
    {
      name: "exception without namespace",
      mutate: (rs) => void delete byName(rs, "mic-exception").metadata.namespace,
      expect: /is in "default"/,
    },
    {
      name: "identity namespace moved by config",
      mutate: () => undefined,
      settings: { identityNamespace: "platform-identity" },
      expect: /only "platform-identity"/,
    },
  ],
  unknown: {
    name: "the exception's namespace",
    mutate: (rs) => void (byName(rs, "mic-exception").metadata.namespace = UNKNOWN),
  },
});
