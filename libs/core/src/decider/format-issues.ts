/** A schema issue as zod reports it. */
interface Issue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** One `path: message` line per schema issue; `(root)` for the value itself. */
export function formatIssues(issues: readonly Issue[]): string[] {
  return issues.map(
    (issue) => `${issue.path.map((key) => String(key)).join('.') || '(root)'}: ${issue.message}`,
  );
}
