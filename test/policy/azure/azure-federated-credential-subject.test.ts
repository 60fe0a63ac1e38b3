/**
 * `azure-federated-credential-subject`: a credential that trusts one team service account, then
 * each way it could trust more (a pattern, a whole namespace, a shared namespace, a foreign issuer
 * or audience).
 */
import { byName, describePolicy, resource, UNKNOWN } from "../harness";

const ficFixture = () => [
  resource("azure-native:managedidentity:FederatedIdentityCredential", "fic", {
    resourceGroupName: "rg-aks-payments",
    resourceName: "payments-api",
    subject: "system:serviceaccount:payments:payments-api",
    issuer: "https://westeurope.oic.prod-aks.azure.com/tenant/guid/",
    audiences: ["api://AzureADTokenExchange"],
  }),
];
const fic = (rs: ReturnType<typeof ficFixture>) => byName(rs, "fic");

describePolicy({
  policy: "azure-federated-credential-subject",
  fixture: ficFixture,
  mutations: [
    {
      name: "wildcard-like subject",
      mutate: (rs) => void (fic(rs).subject = "system:serviceaccount:payments:*"),
      expect: /is not "system:serviceaccount/,
    },
    {
      name: "namespace-wide group subject",
      mutate: (rs) => void (fic(rs).subject = "system:serviceaccounts:payments"),
      expect: /is not "system:serviceaccount/,
    },
    {
      name: "service account in default",
      mutate: (rs) => void (fic(rs).subject = "system:serviceaccount:default:app"),
      expect: /shared namespace "default"/,
    },
    {
      name: "http issuer",
      mutate: (rs) => void (fic(rs).issuer = "http://issuer.example.com/"),
      expect: /must be an https URL/,
    },
    {
      name: "foreign audience",
      mutate: (rs) => void fic(rs).audiences.push("api://other"),
      expect: /audience "api:\/\/other"/,
    },
    { name: "no audiences", mutate: (rs) => void (fic(rs).audiences = []), expect: /audiences must be set/ },
  ],
  unknown: {
    name: "the issuer (the cluster's OIDC URL at preview), beside a default-namespace subject",
    mutate: (rs) => {
      fic(rs).issuer = UNKNOWN;
      fic(rs).subject = "system:serviceaccount:default:app";
    },
    stillReports: /shared namespace "default"/,
  },
});
