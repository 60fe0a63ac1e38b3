/**
 * Writes the guardrail policies (with the test fixtures' settings) and the CRDs as JSON for the Go check:
 * `npx ts-node --transpile-only -P tsconfig.json test/kubernetes/cel-compile/dump-policies.ts <policies.json> <crds.json>`.
 */
import { writeFileSync } from "fs";
import { guardrailPolicies } from "../../../conventions/admission";
import { podIdentityCrdManifests } from "../../../components/kubernetes/crds";
import { SETTINGS } from "../fixtures";

const [policiesOut, crdsOut] = [process.argv[2] ?? "policies.json", process.argv[3] ?? "crds.json"];
writeFileSync(policiesOut, JSON.stringify(guardrailPolicies(SETTINGS), null, 1));
writeFileSync(crdsOut, JSON.stringify(podIdentityCrdManifests(), null, 1));
