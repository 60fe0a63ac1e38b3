/**
 * Which pack config `plan` and `audit` use. Kept apart from `policy-config.ts` because choosing a
 * file must not load the pack (the commands load it only once their input is valid).
 */
import { existsSync } from "fs";
import * as path from "path";

/**
 * The pack config `plan` and `audit` use: `--policy-config` when given, else the stack's own
 * `policy-pack/config/<stack>.json` when it exists (what CI passes as `--policy-pack-config`), else
 * none. `note` says which file was picked by default, so the output never hides it.
 */
export function choosePolicyConfig(
  explicit: string | undefined,
  stack: string | undefined,
): { file?: string; note?: string } {
  if (explicit) return { file: explicit };
  if (!stack) return {};
  const candidate = path.join(path.resolve(__dirname, ".."), "policy-pack", "config", `${stack}.json`);
  if (!existsSync(candidate)) return {};
  const file = path.relative(process.cwd(), candidate).split(path.sep).join("/");
  return { file, note: `policy config: ${file} (stack ${stack}; --policy-config overrides it)` };
}
