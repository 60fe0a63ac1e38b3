// Entry point for the Pulumi CLI; the program lives in program.ts so tests can run it under mocks.
import { main } from "./program";
export = main;
