/** Attack paths of the `prod` stack's plan (see stack-checks.ts). */
import { stackChecks } from "./stack-checks";

describe("attack paths: prod", () => stackChecks("prod", "payments", "catalog"));
