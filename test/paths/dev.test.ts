/** Attack paths of the `dev` stack's plan (see stack-checks.ts). */
import { stackChecks } from "./stack-checks";

describe("attack paths: dev", () => stackChecks("dev", "catalog", "analytics"));
