/**
 * S2-S4: the namespace labels and annotations other controls trust are set and changed by platform
 * principals only.
 *
 * The team label and the resource-group annotation decide which managed identities a namespace may
 * reference (S3); the PSA labels decide whether its pods may sniff NMI traffic (S4). On create, a
 * non-platform principal may not claim team ownership or a resource group (PSA labels on create are
 * judged by the pod-security policy); on update, it may change none of them.
 */
import {
  APPROVED_IDENTITIES_ANNOTATION,
  PSA_LABEL_KEYS,
  RESOURCE_GROUP_ANNOTATION,
  TEAM_LABEL,
} from "../kubernetes";
import { OBJECT_SUBRESOURCES, celStringList, denyPolicy, onWrite, platformPrincipalExpression } from "./cel";
import type { AdmissionPolicyDefinition, GuardrailSettings } from "./types";

export const NAMESPACE_TRUST_ANCHORS_POLICY = "aks-hardening-namespace-trust-anchors";

/** Label keys nobody but the platform may touch after creation. */
export const ANCHOR_LABEL_KEYS: readonly string[] = [TEAM_LABEL, ...PSA_LABEL_KEYS];
/** Label keys nobody but the platform may set at creation. */
export const OWNERSHIP_LABEL_KEYS: readonly string[] = [TEAM_LABEL];
/** Annotation keys nobody but the platform may set or touch. */
export const ANCHOR_ANNOTATION_KEYS: readonly string[] = [
  RESOURCE_GROUP_ANNOTATION,
  APPROVED_IDENTITIES_ANNOTATION,
];

/** The keys among `keys` whose value differs between the old and new `field` map ('' = absent). */
function changedKeysExpression(keys: string, field: "labels" | "annotations"): string {
  const value = (obj: string) => `(k in variables.${obj} ? variables.${obj}[k] : '')`;
  const cap = field === "labels" ? "Labels" : "Annotations";
  return `${keys}.filter(k, ${value(`new${cap}`)} != ${value(`old${cap}`)})`;
}

const mapOf = (obj: string, field: string) => `has(${obj}.metadata.${field}) ? ${obj}.metadata.${field} : {}`;

export function namespaceTrustAnchorsPolicy(settings: GuardrailSettings): AdmissionPolicyDefinition {
  const labelKeys = `(request.operation == 'CREATE' ? ${celStringList(OWNERSHIP_LABEL_KEYS)} : ${celStringList(ANCHOR_LABEL_KEYS)})`;
  return denyPolicy({
    name: NAMESPACE_TRUST_ANCHORS_POLICY,
    description:
      "Only platform principals set or change a namespace's team label, resource-group annotation and (after creation) PSA labels.",
    resourceRules: [onWrite("", "v1", ["namespaces", ...OBJECT_SUBRESOURCES.namespaces])],
    variables: {
      isPlatform: platformPrincipalExpression(settings),
      newLabels: mapOf("object", "labels"),
      oldLabels: `request.operation == 'UPDATE' ? (${mapOf("oldObject", "labels")}) : {}`,
      newAnnotations: mapOf("object", "annotations"),
      oldAnnotations: `request.operation == 'UPDATE' ? (${mapOf("oldObject", "annotations")}) : {}`,
      changedAnchors: `${changedKeysExpression(labelKeys, "labels")} + ${changedKeysExpression(
        celStringList(ANCHOR_ANNOTATION_KEYS),
        "annotations",
      )}`,
    },
    validations: [
      {
        expression: "variables.isPlatform || size(variables.changedAnchors) == 0",
        message: "only platform principals may set or change namespace trust-anchor labels and annotations",
        messageExpression:
          "request.userInfo.username + ' may not set or change ' + variables.changedAnchors.join(', ') + ' on namespace ' + object.metadata.name + ' (platform principals only)'",
      },
    ],
  });
}
