import { ErrorCode, OrchError } from "../errors.ts";

/**
 * An INVALID_SELECTION error that quotes the selection and puts a caret under `position`
 * (a 0-based offset into `text`), so the user sees exactly which token was refused.
 */
export function selectionSyntaxError(text: string, position: number, problem: string): OrchError {
  // Tabs and newlines would shift the caret; show them as spaces on the quoted line.
  const shown = text.replace(/\s/g, " ");
  const message = `Invalid selection at position ${position}: ${problem}\n  ${shown}\n  ${" ".repeat(position)}^`;
  return new OrchError(ErrorCode.INVALID_SELECTION, message, { details: { selection: text, position } });
}
