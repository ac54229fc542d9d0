import { EXIT, reportError } from "./exit-codes.ts";
import { createProgram } from "./program.ts";

const verbose = process.argv.includes("--verbose");
try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportError(error, verbose, (text) => process.stderr.write(text));
}
if (process.exitCode === undefined) process.exitCode = EXIT.success;
