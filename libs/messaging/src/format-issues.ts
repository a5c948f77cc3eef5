import { type z } from 'zod';

/** At most this many issue lines are kept: a huge invalid payload must not make a huge error. */
export const MAX_REPORTED_ISSUES = 20;

/** Turns zod issues into `path: message` lines, e.g. `replyTo.messageId: expected …`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
  if (issues.length > MAX_REPORTED_ISSUES) {
    lines.push(`… and ${issues.length - MAX_REPORTED_ISSUES} more`);
  }
  return lines;
}

/** `payload.items[0].sku`; `(root)` for the message itself. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text === '' ? '(root)' : text;
}
