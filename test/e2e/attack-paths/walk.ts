/**
 * Walks a reported attack path on a real API server as the attacking principal: every edge that is
 * an API request (create a pod with the label or host access the next edge needs, a binding, an
 * AzureIdentity, an exception, a mic-* Deployment, exec, a token request) is sent with the
 * attacker's own token. Edges that are what MIC, NMI, IMDS or Entra do next (label match, node
 * tokens, federated trust) are not API requests and are listed as such: no controller runs here.
 */
import { AAD_POD_IDENTITY_GROUP, MIC_NAME, POD_IDENTITY_LABEL } from "../../../conventions/kubernetes";
import type { GraphEdge } from "../../../cli/paths/model";
import type { Manifest } from "../../../testing/manifests";
import type { KubeClient } from "../support/client";
import { HOST_ACCESS_PODS, restrictedPod } from "../support/pods";
import { verdictOf, type Verdict } from "../support/verdict";

export interface Step {
  edge: GraphEdge;
  request: string;
  verdict: Verdict;
}

let counter = 0;
const unique = (what: string) => `walk-${what}-${Date.now().toString(36)}-${++counter}`;
const nsOf = (nodeId: string) => nodeId.replace(/^[a-z-]+:/, "").split("/")[0];

function podFor(
  name: string,
  namespace: string,
  next: GraphEdge | undefined,
  labels: Record<string, string>,
): Manifest {
  const pod = restrictedPod(name, namespace, labels);
  const spec = pod.spec as Parameters<(typeof HOST_ACCESS_PODS)[number]["change"]>[0] & {
    serviceAccountName?: string;
  };
  if (next?.kind === "HOSTNET_IMDS")
    HOST_ACCESS_PODS.find((p) => p.name === "sniff-hostnetwork")!.change(spec);
  if (next?.kind === "NODE_ESCAPE") HOST_ACCESS_PODS.find((p) => p.name === "sniff-privileged")!.change(spec);
  if (next?.kind === "RUN_AS_SA") spec.serviceAccountName = next.to.split("/").pop();
  if (next?.kind === "POD_LABEL_MATCH" && next.params?.selector)
    pod.metadata.labels = { ...labels, [POD_IDENTITY_LABEL]: next.params.selector };
  return pod;
}

const identityObject = (
  kind: string,
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
): Manifest => ({
  apiVersion: `${AAD_POD_IDENTITY_GROUP}/v1`,
  kind,
  metadata: { name, namespace },
  spec,
});

export async function walk(path: GraphEdge[], client: KubeClient): Promise<Step[]> {
  const steps: Step[] = [];
  const send = async (
    edge: GraphEdge,
    request: string,
    run: () => Promise<Parameters<typeof verdictOf>[0]>,
  ) => {
    const verdict = verdictOf(await run());
    steps.push({ edge, request, verdict });
    return verdict.outcome !== "refused";
  };
  for (const [i, edge] of path.entries()) {
    const next = path[i + 1];
    let ok = true;
    switch (edge.kind) {
      case "CREATE_POD":
      case "CREATE_WORKLOAD": {
        const ns = nsOf(edge.to);
        const pod = podFor(unique("pod"), ns, next, {});
        ok = await send(edge, `create pod ${ns}/${pod.metadata.name}`, () => client.create(pod));
        break;
      }
      case "BINDING_CREATE":
      case "AZID_CREATE": {
        const p = edge.params!;
        const identityName = edge.kind === "AZID_CREATE" ? unique("identity") : p.azureIdentity;
        if (edge.kind === "AZID_CREATE")
          ok = await send(edge, `create AzureIdentity ${p.namespace}/${identityName}`, () =>
            client.create(
              identityObject("AzureIdentity", identityName, p.namespace, {
                type: 0,
                resourceID: p.resourceId,
                clientID: p.clientId,
              }),
            ),
          );
        const selector = `${p.podNamespace}.${unique("sel")}`;
        if (ok)
          ok = await send(edge, `create AzureIdentityBinding ${p.namespace} -> ${identityName}`, () =>
            client.create(
              identityObject("AzureIdentityBinding", unique("binding"), p.namespace, {
                azureIdentity: identityName,
                selector,
              }),
            ),
          );
        if (ok)
          ok = await send(edge, `create pod in ${p.podNamespace} labelled ${selector}`, () =>
            client.create(restrictedPod(unique("pod"), p.podNamespace, { [POD_IDENTITY_LABEL]: selector })),
          );
        break;
      }
      case "EXCEPTION_CREATE": {
        const ns = edge.params!.namespace;
        const app = unique("app");
        ok = await send(edge, `create AzurePodIdentityException in ${ns}`, () =>
          client.create(
            identityObject("AzurePodIdentityException", unique("exception"), ns, { podLabels: { app } }),
          ),
        );
        if (ok)
          ok = await send(edge, `create pod in ${ns} labelled app=${app}`, () =>
            client.create(restrictedPod(unique("pod"), ns, { app })),
          );
        break;
      }
      case "MIC_NAME": {
        if (!edge.params) break; // a MIC workload's own edge: what NMI does for it
        const ns = edge.params.namespace;
        const name = `${MIC_NAME}-${unique("rogue")}`;
        const pod = restrictedPod(name, ns, { app: name });
        const deployment: Manifest = {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name, namespace: ns },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: name } },
            template: { metadata: pod.metadata, spec: pod.spec },
          },
        };
        ok = await send(edge, `create Deployment ${ns}/${name}`, () => client.create(deployment));
        break;
      }
      case "EXEC_INTO": {
        const [ns, kind, name] = edge.to.replace(/^workload:/, "").split("/");
        if (kind !== "Pod") break; // no pod object to exec into without a controller
        ok = await send(edge, `exec into ${ns}/${name}`, () =>
          client.request("POST", `/api/v1/namespaces/${ns}/pods/${name}/exec`, {
            query: { command: "true", stdout: "true" },
          }),
        );
        break;
      }
      case "TOKEN_REQUEST": {
        const [ns, sa] = edge.to.replace(/^sa:/, "").split("/");
        ok = await send(edge, `TokenRequest for ${ns}/${sa}`, () =>
          client.request("POST", `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
            body: {
              apiVersion: "authentication.k8s.io/v1",
              kind: "TokenRequest",
              spec: { audiences: ["api://AzureADTokenExchange"] },
            },
          }),
        );
        break;
      }
      default:
        break; // not an API request: the component's own behaviour
    }
    if (!ok) break; // the path is cut here
  }
  return steps;
}
