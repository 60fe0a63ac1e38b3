// Entry point for the Pulumi CLI; the program lives in app.ts so tests can run it under mocks.
import { main } from "./app";
export = main;
