// Entry point for the Pulumi CLI (`main: infra/` in Pulumi.yaml): the exported function is the program.
import { main } from "./program";
export = main;
